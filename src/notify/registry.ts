/**
 * The notifier provider registry: an explicit list, so adding a provider is one import and
 * one line here, and the config loader can reject an unknown `type` naming the field.
 */
import { consoleProvider } from './providers/console.js';
import { discordProvider } from './providers/discord.js';
import { emailProvider } from './providers/email.js';
import { execProvider } from './providers/exec.js';
import { slackProvider } from './providers/slack.js';
import { teamsProvider } from './providers/teams.js';
import { webhookProvider } from './providers/webhook.js';
import type { ProviderDefinition } from './types.js';

export const providers: Readonly<Record<string, ProviderDefinition>> = Object.freeze({
  console: consoleProvider,
  webhook: webhookProvider,
  slack: slackProvider,
  email: emailProvider,
  exec: execProvider,
  teams: teamsProvider,
  discord: discordProvider,
});

/** The provider for a config `type`, or undefined when there is none. Pure. */
export function getProvider(type: string): ProviderDefinition | undefined {
  return Object.hasOwn(providers, type) ? providers[type] : undefined;
}
