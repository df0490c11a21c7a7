/**
 * The set of secret strings (webhook URLs, SMTP passwords, HMAC keys, every ${ENV}-substituted
 * value) that must never be written anywhere. Everything that prints (the logger's stream, CLI
 * error output, `config check`) passes its text through `redact`.
 */

const REDACTED = '[redacted]';
/** Shorter values would redact ordinary words ("a", "true") and say little anyway. */
const MIN_SECRET_LENGTH = 4;

export class SecretRegistry {
  private readonly values = new Set<string>();
  private sorted: string[] = [];

  /** Registers a secret. Idempotent. Also registers the forms it takes inside JSON and URLs. */
  add(value: string | undefined | null): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
    for (const f of forms) if (f.length >= MIN_SECRET_LENGTH) this.values.add(f);
    // Longest first, so a URL is replaced whole before a token inside it.
    this.sorted = [...this.values].sort((a, b) => b.length - a.length);
  }

  /** Returns `text` with every registered secret replaced by "[redacted]". Pure. */
  redact(text: string): string {
    if (this.sorted.length === 0) return text;
    let out = text;
    for (const s of this.sorted) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}

/** The process-wide registry: secrets are process-wide facts, and every printer must see all of them. */
export const secrets = new SecretRegistry();
