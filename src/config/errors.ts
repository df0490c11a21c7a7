/** Thrown when the configuration cannot be used. `issues` name the fields ("brands[2].domains[0]: ..."). */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly issues: string[];
  constructor(issues: string[], opts: { cause?: unknown; file?: string } = {}) {
    super(`invalid configuration${opts.file ? ` in ${opts.file}` : ''}:\n  - ${issues.join('\n  - ')}`, { cause: opts.cause });
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
