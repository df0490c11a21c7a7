/**
 * Issue 2, point 3: every valid certificate yields the same DNS names as OpenSSL reports, and
 * every malformed file is handled without a crash (parsed, or CertParseError).
 *
 * OpenSSL's `-ext subjectAltName` lists the SAN entries; parseCertificate's dnsNames are those
 * DNS entries in order, followed by subject CNs not already present, so the comparison is:
 * dnsNames = OpenSSL SAN DNS names ++ (OpenSSL subject CNs not among them).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { CertParseError, parseCertificate } from '../../src/cert/full-parse.js';
import { loadCertDir, type CertFile } from './load-certs.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

const NAMEOPT = 'sep_multiline,lname,utf8,-esc_msb,-esc_ctrl,-esc_2253,-dn_rev';

/** One OpenSSL run per file: the subject (one attribute per line) and the SAN extension. */
function opensslView(f: CertFile): Promise<{ san: string[]; cns: string[] }> {
  const args = ['x509', '-inform', f.format === 'pem' ? 'PEM' : 'DER', '-in', f.path, '-noout', '-subject', '-nameopt', NAMEOPT, '-ext', 'subjectAltName'];
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { encoding: 'buffer' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`openssl failed on ${f.name}: ${stderr.toString()}`, { cause: err }));
      const marker = stdout.indexOf('X509v3 Subject Alternative Name');
      const subjectText = stdout.subarray(0, marker < 0 ? stdout.length : marker).toString('utf8');
      // SAN dNSNames are IA5String octets, printed raw: read them as latin1, as the parsers do.
      const sanText = marker < 0 ? '' : stdout.subarray(marker).toString('latin1');
      resolve({ san: sanDnsNames(sanText), cns: subjectCns(subjectText) });
    });
  });
}

/** Runs `fn` over `items` with at most `limit` in flight (OpenSSL start-up dominates). */
async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** DNS entries of the SAN block in order. Entries are "TYPE:value" joined by ", ". */
function sanDnsNames(text: string): string[] {
  const lines = text.split('\n');
  return (lines[1] ?? '')
    .trim()
    .split(/, (?=[A-Za-z][A-Za-z0-9 ]*:|othername:)/)
    .filter((e) => e.startsWith('DNS:'))
    .map((e) => e.slice(4))
    .filter((n) => n !== '');
}

/** Subject commonName values: one RDN per line, multi-valued RDNs joined by " + ". */
function subjectCns(text: string): string[] {
  return text
    .split('\n')
    .flatMap((l) => l.trim().split(' + '))
    .filter((l) => l.startsWith('commonName='))
    .map((l) => l.slice('commonName='.length))
    .filter((v) => v !== '');
}

describe.skipIf(!hasOpenssl)('parseCertificate agrees with openssl on every valid certificate', () => {
  const files = loadCertDir('valid');
  const views = new Map<string, { san: string[]; cns: string[] }>();
  beforeAll(async () => {
    const results = await mapLimit(files, 4, opensslView);
    files.forEach((f, i) => views.set(f.name, results[i]!));
  });

  it.each(files.map((f) => [f.name, f] as const))('%s', (_n, f) => {
    const names = parseCertificate(f.der).dnsNames;
    const { san, cns: subjectCnList } = views.get(f.name)!;
    expect(names.slice(0, san.length)).toEqual(san);
    const cns = subjectCnList.filter((cn, i, all) => !san.includes(cn) && all.indexOf(cn) === i);
    expect(names.slice(san.length)).toEqual(cns);
  });

  it('saw SAN names for most certificates (the comparison is not vacuous)', () => {
    expect([...views.values()].filter((v) => v.san.length > 0).length).toBeGreaterThan(100);
  });
});

describe('every malformed file is handled without a crash', () => {
  it.each(loadCertDir('malformed').map((f) => [f.name, f] as const))('%s', (_n, f) => {
    let outcome: string;
    try {
      const d = parseCertificate(f.der);
      expect(Array.isArray(d.dnsNames)).toBe(true);
      expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
      outcome = 'parsed';
    } catch (e) {
      expect(e).toBeInstanceOf(CertParseError);
      expect((e as CertParseError).code).toBe('CERT_PARSE');
      outcome = 'rejected';
    }
    expect(['parsed', 'rejected']).toContain(outcome);
  });
});
