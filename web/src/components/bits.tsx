/** Small shared pieces: severity and status badges, error and loading boxes. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.js';
import { statusLabel } from '../format.js';

export function SeverityBadge({ severity }: { severity: string }) {
  return <span class={`badge sev-${severity}`}>{severity}</span>;
}

export function StatusBadge({ status, suppressed }: { status: string; suppressed?: boolean }) {
  return (
    <span class={`badge st-${status}`}>
      {statusLabel(status)}
      {suppressed ? ' (suppressed)' : ''}
    </span>
  );
}

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const unauth = error instanceof ApiError && error.status === 401;
  return (
    <div class="error" role="alert">
      {unauth ? 'Your session has ended. Open the login URL printed by `ctwatch dashboard` again.' : `Could not load: ${error.message}`}
    </div>
  );
}

export function Loading({ when }: { when: boolean }) {
  return when ? (
    <p class="muted" role="status">
      Loading…
    </p>
  ) : null;
}

export function Card({ title, id, children, wide }: { title: string; id: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <section class={wide ? 'card wide' : 'card'} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * A horizontally scrollable box for a wide table. Focusable and labelled, so keyboard users can
 * scroll it too (axe: scrollable-region-focusable).
 */
export function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
