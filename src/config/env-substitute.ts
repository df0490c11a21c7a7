/**
 * `${NAME}` substitution in config string values, after YAML parsing (so a value can never inject
 * YAML structure). `${NAME:-default}` uses the default when NAME is unset or empty.
 * `${file:/path}` and `${cred:NAME}` read the value from a file (Docker secrets, systemd
 * credentials). Every substitution is reported through `onValue` with where it went, so the
 * caller can decide which values are secrets (not every variable is: `${LOG_LEVEL}` is not).
 */
import fs from 'node:fs';

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
/** `${file:/abs/path}` (e.g. Docker secrets) and `${cred:NAME}` ($CREDENTIALS_DIRECTORY/NAME, systemd LoadCredential=). */
const FILE_PATTERN = /\$\{(file|cred):([^}]+)\}/g;

/** One substitution: the value put in, its kind, the key path and the whole string it ended up in. */
export interface Substitution {
  value: string;
  kind: 'env' | 'file' | 'cred';
  /** Key path, e.g. "notifiers[0].url". */
  path: string;
  /** The string value after every substitution in it (e.g. the URL a password was put into). */
  result: string;
}

export interface SubstituteResult {
  value: unknown;
  /** "path: NAME is not set" for every reference to an unset variable without a default. */
  missing: string[];
}

/** Pure apart from reading `env`. Returns a new tree; the input is not modified. */
/** Reads a secret file (size-capped: a secret is small, a wrong path to a big file is a mistake). */
function readSecretFile(file: string): string {
  const st = fs.statSync(file);
  if (st.size > 64 * 1024) throw Object.assign(new Error('file too large'), { code: 'EFBIG' });
  return fs.readFileSync(file, 'utf8');
}

export function substituteEnv(
  tree: unknown,
  env: NodeJS.ProcessEnv,
  onValue: (s: Substitution) => void,
  path = '',
): SubstituteResult {
  const missing: string[] = [];
  const walk = (node: unknown, at: string): unknown => {
    if (typeof node === 'string') {
      const found: Omit<Substitution, 'result'>[] = [];
      const result = substituteString(node, at, (v, kind) => found.push({ value: v, kind, path: at || '(root)' }));
      for (const f of found) onValue({ ...f, result });
      return result;
    }
    if (Array.isArray(node)) return node.map((x, i) => walk(x, `${at}[${i}]`));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, at ? `${at}.${k}` : k);
      return out;
    }
    return node;
  };
  const substituteString = (node: string, at: string, onValue: (v: string, kind: Substitution['kind']) => void): string => {
    const fromFiles = node.replace(FILE_PATTERN, (_m, kind: string, ref: string) => {
      const dir = env.CREDENTIALS_DIRECTORY;
      if (kind === 'cred' && !dir) {
        missing.push(`${at || '(root)'}: \${cred:${ref}} needs CREDENTIALS_DIRECTORY (systemd LoadCredential=)`);
        return '';
      }
      if (kind === 'cred' && !/^[A-Za-z0-9_.-]+$/.test(ref)) {
        missing.push(`${at || '(root)'}: credential name "${ref}" may hold only letters, digits, "_", "." and "-"`);
        return '';
      }
      const file = kind === 'cred' ? `${dir}/${ref}` : ref;
      try {
        // One trailing newline is how secret files are usually written; it is not part of the secret.
        const v = readSecretFile(file).replace(/\r?\n$/, '');
        onValue(v, kind as 'file' | 'cred');
        return v;
      } catch (err) {
        // The message names the field and the file, never the contents.
        missing.push(`${at || '(root)'}: cannot read ${kind === 'cred' ? `credential ${ref}` : file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        return '';
      }
    });
    return fromFiles.replace(PATTERN, (_m, name: string, dflt: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') {
        onValue(v, 'env');
        return v;
      }
      if (dflt !== undefined) return dflt;
      missing.push(`${at || '(root)'}: environment variable ${name} is not set`);
      return '';
    });
  };
  return { value: walk(tree, path), missing };
}
