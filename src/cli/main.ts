/**
 * The `ctwatch` command line. Each command is a small function in commands/; this file only
 * parses arguments and maps failures to exit codes (0 ok, 1 failure, 2 usage or config error).
 *
 * Commands are one table (COMMANDS): its entries give the global usage, each command's own
 * `--help`, and the options each command accepts. Adding a command is adding one entry.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, EXIT_USAGE, err, out } from './util.js';
import type { LoadedConfig } from '../config/load.js';

// Commands are loaded on demand: `ctwatch hits` should not pay for loading the matcher,
// the X.509 library and every notifier provider.
const load = {
  context: () => import('./context.js'),
  check: () => import('./commands/check.js'),
  hits: () => import('./commands/hits.js'),
  misc: () => import('./commands/misc.js'),
  notifyTest: () => import('./commands/notify-test.js'),
  run: () => import('./commands/run.js'),
  demo: () => import('./commands/demo.js'),
  dashboard: () => import('./commands/dashboard.js'),
  rules: () => import('./commands/rules.js'),
  migrateStore: () => import('./commands/migrate-store.js'),
  faviconHash: () => import('./commands/favicon-hash.js'),
};

/** Every option any command takes; a command lists the ones it accepts. */
const OPTIONS = {
  config: { type: 'string', short: 'c', help: '--config FILE' },
  json: { type: 'boolean', help: '--json' },
  explain: { type: 'boolean', help: '--explain' },
  names: { type: 'string', help: '--names FILE' },
  from: { type: 'string', help: '--from FILE' },
  to: { type: 'string', help: '--to URL' },
  csv: { type: 'boolean', help: '--csv' },
  pretty: { type: 'boolean', help: '--pretty' },
  since: { type: 'string', help: '--since DURATION' },
  brand: { type: 'string', help: '--brand NAME' },
  severity: { type: 'string', help: '--severity LEVEL' },
  status: { type: 'string', help: '--status STATUS' },
  watch: { type: 'string', help: '--watch DOMAIN' },
  dead: { type: 'boolean', help: '--dead' },
  serve: { type: 'boolean', help: '--serve' },
  help: { type: 'boolean', short: 'h', help: '--help' },
  version: { type: 'boolean', short: 'V', help: '--version' },
} as const;
type OptionName = keyof typeof OPTIONS;
export type Flags = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

/** What a command's run function is given. */
export interface CommandInput {
  flags: Flags;
  /** Positionals after the command name (sub-command first, if any). */
  args: string[];
  /** Loads the configuration (--config, $CTWATCH_CONFIG, config/ctwatch.yaml); exits 2 on error. */
  config: () => Promise<LoadedConfig>;
}

export interface Command {
  /** Usage lines: [arguments, what it does]. */
  usage: readonly (readonly [string, string])[];
  /** Options accepted besides --help and --config. */
  options: readonly OptionName[];
  /** More text for `ctwatch CMD --help` (option meanings, examples). */
  details?: string;
  run: (i: CommandInput) => Promise<number> | number;
}

const sub = (i: CommandInput) => i.args[0];

export const COMMANDS: Record<string, Command> = {
  run: {
    usage: [['[--config FILE] [--pretty]', 'run the daemon (default config: $CTWATCH_CONFIG, else config/ctwatch.yaml)']],
    options: ['pretty'],
    details: '  --pretty   human-readable log lines (default when stdout is a terminal)\n',
    run: async (i) => (await load.run()).runCommand(await i.config(), { pretty: i.flags.pretty }),
  },
  check: {
    usage: [['[--config FILE] [--json] [--explain] NAME... | -', 'match names (- = one name per line on stdin)']],
    options: ['json', 'explain'],
    details:
      '  NAME is a hostname (surrounding spaces are ignored; a URL counts as its host).\n' +
      '  --json     one JSON object per name, in input order\n' +
      '  --explain  also list every rule that fired but was dropped or discounted, and why\n' +
      '  exit: 0 done, 1 some stdin line was not a hostname, 2 a NAME argument is not a hostname\n',
    run: async (i) => (await load.check()).checkCommand(await i.config(), i.args, !!i.flags.json, !!i.flags.explain),
  },
  'migrate-store': {
    usage: [['--from FILE --to postgres://USER@HOST:5432/DB', 'copy a SQLite store into an empty PostgreSQL store and compare row counts (stop the daemon first)']],
    options: ['from', 'to'],
    details:
      '  The password belongs in PGPASSWORD, not in the URL (command lines are visible to other users).\n' +
      '  A schema other than the default: append ?options=-c%20search_path%3DNAME to the URL (created when missing).\n' +
      '  Then set store.url in the config: the daemon and the CLI use the PostgreSQL store.\n',
    run: async (i) => (await load.migrateStore()).migrateStoreCommand({ from: i.flags.from, to: i.flags.to }),
  },
  rules: {
    usage: [['noise [--names FILE] [--json]', 'how often each brand rule fires on ordinary names (default: a shipped synthetic sample), with suggested fixes']],
    options: ['names', 'json'],
    run: async (i) => {
      if (sub(i) !== 'noise') throw new CliError('usage: ctwatch rules noise [--names FILE] [--json] [--config FILE]', EXIT_USAGE);
      return (await load.rules()).rulesNoiseCommand(await i.config(), i.flags.names, !!i.flags.json);
    },
  },
  hits: {
    usage: [
      ['[--since 7d] [--brand B] [--severity high] [--status new] [--json|--csv]', 'list hits'],
      ['ack|fp|reopen ID', 'triage a hit (fp suppresses its registrable domain for that brand)'],
    ],
    options: ['since', 'brand', 'severity', 'status', 'json', 'csv'],
    details: '  --severity LEVEL   this level and above: low, medium, high, critical\n  --status STATUS    new, acknowledged, false_positive\n',
    run: async (i) => {
      const hits = await load.hits();
      const s = sub(i);
      if (s === 'ack' || s === 'fp' || s === 'reopen') return hits.hitsTriageCommand(await i.config(), s, i.args[1]);
      if (s !== undefined) throw new CliError(`hits: unknown subcommand "${s}"`, EXIT_USAGE);
      return hits.hitsListCommand(await i.config(), i.flags);
    },
  },
  inventory: {
    usage: [['[--watch .example.com] [--json|--csv]', 'names seen under your watched domains']],
    options: ['watch', 'json', 'csv'],
    run: async (i) => (await load.misc()).inventoryCommand(await i.config(), i.flags),
  },
  allow: {
    usage: [['add DOMAIN', 'never alert on DOMAIN and its subdomains']],
    options: [],
    run: async (i) => {
      if (sub(i) !== 'add') throw new CliError('usage: ctwatch allow add DOMAIN', EXIT_USAGE);
      return (await load.misc()).allowAddCommand(await i.config(), i.args[1]);
    },
  },
  outbox: {
    usage: [
      ['[--status pending|delivered|dead] [--json]', 'list deliveries'],
      ['retry ID | --dead', 'queue dead deliveries again'],
    ],
    options: ['status', 'json', 'dead'],
    run: async (i) => {
      const misc = await load.misc();
      const s = sub(i);
      if (s === 'retry') return misc.outboxRetryCommand(await i.config(), i.args[1], !!i.flags.dead);
      if (s !== undefined) throw new CliError(`outbox: unknown subcommand "${s}"`, EXIT_USAGE);
      return misc.outboxListCommand(await i.config(), i.flags);
    },
  },
  notify: {
    usage: [['test ID', 'send a test alert through one notifier']],
    options: [],
    run: async (i) => {
      if (sub(i) !== 'test') throw new CliError('usage: ctwatch notify test ID', EXIT_USAGE);
      return (await load.notifyTest()).notifyTestCommand(await i.config(), i.args[1]);
    },
  },
  permutations: {
    usage: [['DOMAIN [--json]', 'typosquat variants generated for DOMAIN']],
    options: ['json'],
    run: async (i) => (await load.misc()).permutationsCommand(i.args[0], !!i.flags.json),
  },
  'favicon-hash': {
    usage: [['FILE...', "SHA-256 of a brand's favicon file(s), for brands[].favicons"]],
    options: [],
    run: async (i) => (await load.faviconHash()).faviconHashCommand(i.args),
  },
  config: {
    usage: [['check [--config FILE]', 'validate the configuration (and compile its rules)']],
    options: [],
    run: async (i) => {
      if (sub(i) !== 'check') throw new CliError('usage: ctwatch config check [--config FILE]', EXIT_USAGE);
      return (await load.misc()).configCheckCommand(await i.config());
    },
  },
  demo: {
    usage: [['[--serve]', 'replay bundled real CT entries offline, print the hits, show them in the dashboard']],
    options: ['serve'],
    details:
      'After the replay, the dashboard stays up on the demo hits (its login URL is printed) until Ctrl-C\n' +
      'when stdout is a terminal (`npm run demo`) or with --serve; piped or in CI the command exits.\n',
    run: async (i) => (await load.demo()).demoCommand({ serve: i.flags.serve ? true : undefined }),
  },
  dashboard: {
    usage: [['[--config FILE]', "print the dashboard's login URL (it carries the access token)"]],
    options: [],
    run: async (i) => (await load.dashboard()).dashboardCommand(await i.config()),
  },
};

/** Options every command accepts. */
const GLOBAL: readonly OptionName[] = ['config', 'help'];

function usageLines(name: string, c: Command, width: number): string {
  return c.usage.map(([args, what]) => `  ${`${name} ${args}`.trimEnd().padEnd(width)}  ${what}\n`).join('');
}

/** The global usage: one line per command form, from the table. */
export function globalUsage(): string {
  const width = Math.max(...Object.entries(COMMANDS).flatMap(([n, c]) => c.usage.map(([a]) => `${n} ${a}`.trimEnd().length)));
  const body = Object.entries(COMMANDS)
    .map(([n, c]) => usageLines(n, c, Math.min(width, 44)))
    .join('');
  return `usage: ctwatch <command> [options]\n\n${body}\n  ctwatch <command> --help   help for one command\n  ctwatch --version          print the version\n`;
}

/** One command's usage, for `ctwatch CMD --help` and after a usage error. */
export function commandUsage(name: string): string {
  const c = COMMANDS[name]!;
  const lines = c.usage.map(([args, what]) => `usage: ctwatch ${`${name} ${args}`.trimEnd()}\n       ${what}\n`).join('');
  return `${lines}${c.details ? `\n${c.details}` : ''}\n  --config FILE  configuration file (default: $CTWATCH_CONFIG, else config/ctwatch.yaml)\n`;
}

/** The package's version, from the nearest package.json above this file (dist/src/cli or src/cli). */
export function version(): string {
  for (const up of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ctwatch' && pkg.version) return pkg.version;
    } catch {
      // not this level
    }
  }
  return 'unknown';
}

/**
 * Splits argv into the command, its positionals and its flags, checking every option against
 * what the command accepts. Throws CliError (exit 2) with a one-line reason and the command's usage.
 */
function parse(argv: string[]): { cmd: string | undefined; args: string[]; flags: Flags } {
  const options = Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, { type: o.type, ...('short' in o ? { short: o.short } : {}) }]));
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const positionals = tokens.filter((t) => t.kind === 'positional').map((t) => (t as { value: string }).value);
  const cmd = positionals[0];
  const command = cmd !== undefined ? COMMANDS[cmd] : undefined;
  const accepted = new Set<string>(command ? [...GLOBAL, ...command.options] : [...GLOBAL, 'version']);
  const usage = () => (command ? commandUsage(cmd!) : globalUsage());
  const flags: Record<string, string | boolean> = {};
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const def = (OPTIONS as Record<string, { type: string }>)[t.name];
    if (!def || !accepted.has(t.name)) {
      // "-h" is help everywhere; --version also after a command name ("ctwatch run --version").
      if (t.name === 'version') {
        flags.version = true;
        continue;
      }
      throw new CliError(`${cmd && command ? `${cmd}: ` : ''}unknown option ${t.rawName}\n${usage()}`, EXIT_USAGE);
    }
    if (def.type === 'string' && (t.value === undefined || t.value === '')) throw new CliError(`${cmd ? `${cmd}: ` : ''}option ${t.rawName} needs a value\n${usage()}`, EXIT_USAGE);
    if (def.type === 'boolean' && t.value !== undefined) throw new CliError(`${cmd ? `${cmd}: ` : ''}option ${t.rawName} takes no value\n${usage()}`, EXIT_USAGE);
    flags[t.name] = def.type === 'string' ? t.value! : true;
  }
  return { cmd, args: positionals.slice(1), flags: flags as Flags };
}

export async function main(argv: string[]): Promise<number> {
  const { cmd, args, flags } = parse(argv);
  if (flags.version) {
    out(`ctwatch ${version()}\n`);
    return 0;
  }
  if (cmd === undefined) {
    (flags.help ? process.stdout : process.stderr).write(globalUsage());
    return flags.help ? 0 : EXIT_USAGE;
  }
  const command = COMMANDS[cmd];
  if (!command) throw new CliError(`unknown command "${cmd}"\n${globalUsage()}`, EXIT_USAGE);
  if (flags.help) {
    out(commandUsage(cmd));
    return 0;
  }
  const config = async () => (await load.context()).loadConfigOrExit(flags.config);
  return command.run({ flags, args, config });
}

/**
 * A closed stdout (`ctwatch hits | head -1`) is not a failure: the reader has what it wanted.
 * Exit 0 at once, without a stack trace; other stdout errors are reported in one line.
 */
function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`ctwatch: cannot write output: ${e.code ?? e.message}\n`);
  process.exit(1);
}

/** Entry point used by bin/ctwatch.js. */
export async function cli(argv: string[]): Promise<void> {
  process.stdout.on('error', onStdoutError);
  let code: number;
  try {
    code = await main(argv);
  } catch (e) {
    if (e instanceof CliError) {
      err(`ctwatch: ${e.message}${e.message.endsWith('\n') ? '' : '\n'}`);
      code = e.exitCode;
    } else if ((e as { code?: string }).code === 'RULES_INVALID') {
      // A rule the matcher cannot compile is a config error: one line naming the item, exit 2.
      err(`ctwatch: invalid configuration: ${(e as Error).message}\n`);
      code = EXIT_USAGE;
    } else {
      err(`ctwatch: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}\n`);
      code = 1;
    }
  }
  process.exitCode = code;
  // Flush stdout before exiting so piped output (e.g. `check -` with 100,000 names) is complete.
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  process.exit(code);
}
