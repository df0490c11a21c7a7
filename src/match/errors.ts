/**
 * Errors thrown while compiling rules. Matching itself never throws.
 */

/** Thrown by compileMatcher when a rule item cannot be used; `message` names the item. */
export class RulesInvalidError extends Error {
  readonly code = 'RULES_INVALID' as const;
  /** Path of the bad item, e.g. "brands[2].domains[0]". */
  readonly path: string;

  constructor(path: string, problem: string, cause?: unknown) {
    super(`${path}: ${problem}`, cause === undefined ? undefined : { cause });
    this.name = 'RulesInvalidError';
    this.path = path;
  }
}
