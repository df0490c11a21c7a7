/**
 * `${NAME}` substitution in config string values, after YAML parsing (so a value can never inject
 * YAML structure). `${NAME:-default}` uses the default when NAME is unset or empty.
 * Every substituted value is treated as a secret: it is reported through `onValue` so the caller
 * can register it for redaction. `${file:/path}` and `${cred:NAME}` read the value from a file
 * (Docker secrets, systemd credentials), likewise treated as secrets.
 */
import fs from 'node:fs';

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
/** `${file:/abs/path}` (e.g. Docker secrets) and `${cred:NAME}` ($CREDENTIALS_DIRECTORY/NAME, systemd LoadCredential=). */
const FILE_PATTERN = /\$\{(file|cred):([^}]+)\}/g;

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
  onValue: (v: string) => void,
  path = '',
): SubstituteResult {
  const missing: string[] = [];
  const walk = (node: unknown, at: string): unknown => {
    if (typeof node === 'string') {
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
          onValue(v);
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
