/**
 * Fixture data in the dashboard API's shapes (notes/API_CONTRACT.md), for the mock server: a
 * month of hits for four brands and one watched domain, plus the hostile names every view must
 * show as inert text.
 */
import type { HitJson } from '../../../web/src/types.js';

export const HOSTILE_NAMES = {
  script: '<script>window.__pwned=1</script>.paypal-secure.example',
  img: '"><img src=x onerror=alert(1)>.paypal-login.example',
  rtlo: 'paypal-\u202Emoc.nigol\u202C.example',
  long: 'paypal' + 'x'.repeat(244) + '.example',
} as const;

export const HOSTILE_ISSUER = 'CN=<img src=x onerror=alert(2)>, O=Evil \u202ECA';

const BRANDS = ['Avito', 'Sberbank', 'BlaBlaCar', 'PayPal'];
const SEV = ['low', 'medium', 'high', 'critical'] as const;
const TECH = ['combosquat', 'subdomain-embedding', 'typosquat:omission', 'keyword'];
const SHA = (n: number) => n.toString(16).padStart(64, 'a');

/** `count` hits with ids 1..count, newest last, spread over the 30 days before `now`. */
export function makeHits(count: number, now = Date.now()): HitJson[] {
  const hits: HitJson[] = [];
  for (let i = 1; i <= count; i++) {
    const own = i % 7 === 0;
    const brand = own ? null : BRANDS[i % BRANDS.length];
    const name = own ? `app${i}.portal.chixbbq.org` : `${brand!.toLowerCase()}-login-${i}.example-${i % 5}.top`;
    const t = new Date(now - (count - i) * ((30 * 86400_000) / count) - 60_000).toISOString();
    hits.push(hit(i, name, { brand, watch: own ? '.chixbbq.org' : null, severity: own ? 'medium' : SEV[(i + Math.floor(i / 4)) % 4], technique: own ? 'own-domain:new-name' : TECH[i % TECH.length], first_seen: t }));
  }
  return hits;
}

export function hit(id: number, name: string, over: Partial<HitJson> = {}): HitJson {
  const first = over.first_seen ?? new Date().toISOString();
  const technique = over.technique ?? 'combosquat';
  const brand = over.brand === undefined ? 'PayPal' : over.brand;
  return {
    id,
    name,
    registrable: name.split('.').slice(-2).join('.'),
    brand,
    watch: over.watch ?? null,
    technique,
    techniques: [technique, 'keyword'],
    severity: over.severity ?? 'high',
    score: over.score ?? ({ low: 30, medium: 50, high: 75, critical: 90 } as const)[over.severity ?? 'high'],
    reason: `${name}: '${(brand ?? 'own').toLowerCase()}' combined with phishing term 'login'; keyword in label; free DV certificate (Let's Encrypt)`,
    status: 'new',
    suppressed: false,
    first_seen: first,
    last_seen: first,
    times_seen: 1,
    names: [name, `www.${name}`],
    cert: { sha256: SHA(id), issuer: "C=US, O=Let's Encrypt, CN=R11", subject: `CN=${name}`, serial: `0${id.toString(16)}ab`, not_before: first, not_after: new Date(Date.parse(first) + 90 * 86400_000).toISOString(), precert: id % 2 === 0, log: 'https://ct.example/log/', index: 1000 + id },
    takedown: null,
    ...over,
  };
}

/** The standard mock data set: 120 normal hits and the four hostile ones (ids 121..124). */
export function standardHits(now = Date.now()): HitJson[] {
  const hits = makeHits(120, now);
  let id = 121;
  for (const n of Object.values(HOSTILE_NAMES)) hits.push(hit(id++, n, { severity: 'critical', first_seen: new Date(now - 30_000).toISOString(), cert: { ...hit(0, n).cert, sha256: SHA(id), issuer: HOSTILE_ISSUER } }));
  return hits;
}

/** An enrichment record whose network-sourced strings are hostile (title, server, registrar, URLs, DNS). */
export function hostileEnrichment(round: number, checkedAt: string) {
  return {
    checked_at: checkedAt,
    round,
    registrable: 'paypal-login.example',
    registration: { domain: 'paypal-login.example', status: 'ok', server: 'https://rdap.example/', created: '2026-12-01T00:00:00Z', age_days: 5, registrar: '<b>Evil</b> Registrar \u202Eeno', statuses: ['client transfer prohibited'], error: null },
    dns: [{ name: 'paypal-login.example', status: 'ok', a: ['203.0.113.7'], aaaa: [], cname: ['<script>x</script>.cdn.example'], ns: ['ns1.evil.example'], mx: [], errors: {} }],
    web: [{ url: 'https://paypal-login.example/', status: 'ok', http_status: 200, final_url: 'https://evil.example/login?next=http://x', title: '<img src=x onerror=alert(3)> PayPal login', server: 'nginx"><script>', address: '203.0.113.7', redirects: 1, cert_sha256: null, cert_matches_hit: true, error: null }],
    severity: round === 0 ? 'high' : 'critical',
    base_severity: 'high',
    reasons: ['domain registered 5 days ago', 'serves a login page titled <img src=x>'],
  };
}
