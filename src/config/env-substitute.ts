/**
 * `${NAME}` substitution in config string values, after YAML parsing (so a value can never inject
 * YAML structure). `${NAME:-default}` uses the default when NAME is unset or empty.
 * Every substituted value is treated as a secret: it is reported through `onValue` so the caller
 * can register it for redaction.
 */
const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface SubstituteResult {
  value: unknown;
  /** "path: NAME is not set" for every reference to an unset variable without a default. */
  missing: string[];
}

/** Pure apart from reading `env`. Returns a new tree; the input is not modified. */
export function substituteEnv(
  tree: unknown,
  env: NodeJS.ProcessEnv,
  onValue: (v: string) => void,
  path = '',
): SubstituteResult {
  const missing: string[] = [];
  const walk = (node: unknown, at: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(PATTERN, (_m, name: string, dflt: string | undefined) => {
        const v = env[name];
        if (v !== undefined && v !== '') {
          onValue(v);
          return v;
        }
        if (dflt !== undefined) return dflt;
        missing.push(`${at || '(root)'}: environment variable ${name} is not set`);
        return '';
      });
    }
    if (Array.isArray(node)) return node.map((x, i) => walk(x, `${at}[${i}]`));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, at ? `${at}.${k}` : k);
      return out;
    }
    return node;
  };
  return { value: walk(tree, path), missing };
}
