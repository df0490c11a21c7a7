/**
 * The free-DV issuer modifier reads the issuer DN, which a hostile certificate can make 1 MiB
 * long: the checks read a bounded prefix in linear time (a backtracking `buypass.*\bgo\b` took
 * 5.5 s on 280 KB), and the stored issuer is bounded the same way. Timing is measured by
 * bench/issuer-bench.ts; here a generous per-test timeout is only a safety net.
 */
import { describe, expect, it } from 'vitest';
import { boundIssuer, MAX_ISSUER_CHARS, withIssuer } from '../../src/match/index.js';
import type { Match } from '../../src/match/types.js';
import { decodeCertstreamText } from '../../src/feed/certstream-decode.js';
import { CertFactory, fullStreamMessage } from '../helpers/cert-factory.js';
import { tmpDir } from '../helpers/fixtures.js';
import { paypalProcessor } from '../helpers/processor.js';

const brandMatch: Match = { name: 'paypa1.com', brand: 'PayPal', watch: null, technique: 'typosquat:replacement', techniques: ['typosquat:replacement'], severity: 'high', score: 70, reason: 'paypa1.com: look-alike' };

/** `buypass ` repeated, with no word "go": the worst case for `buypass.*\bgo\b`. */
function hostileDn(chars: number): string {
  return 'C=NO, O=Buypass AS, CN=' + 'buypass '.repeat(Math.ceil(chars / 8));
}

describe('free-DV issuer modifier', () => {
  it.each([
    ["C=US, O=Let's Encrypt, CN=R11", "Let's Encrypt"],
    ['C=US, O=Lets Encrypt, CN=E5', "Let's Encrypt"],
    ['C=AT, O=ZeroSSL, CN=ZeroSSL ECC Domain Secure Site CA', 'ZeroSSL'],
    ['C=NO, O=Buypass AS-983163327, CN=Buypass Class 2 CA 5 GO', 'Buypass Go'],
    ['C=NO, O=Buypass AS-983163327, CN=Buypass Class 2 CA 5', null],
    ['C=NO, O=Buypass AS, CN=Buypass Google', null],
    ['C=US, O=Google Trust Services, CN=WR1', 'Google Trust Services'],
    ['C=US, O=SSL Corporation, CN=SSL.com RSA SSL subCA DV', 'SSL.com DV'],
    ['C=US, O=SSL Corporation, CN=SSL.com EV SSL', null],
    ['C=US, O=cPanel, Inc., CN=cPanel, Inc. Certification Authority', 'cPanel AutoSSL'],
    ['C=US, O=DigiCert Inc, CN=DigiCert Global G2', null],
  ])('%s → %s', (dn, label) => {
    const m = withIssuer(brandMatch, dn);
    if (label === null) expect(m).toBe(brandMatch);
    else {
      expect(m.score).toBe(75);
      expect(m.reason).toBe(`${brandMatch.reason}; free DV certificate (${label})`);
    }
  });

  it('a 1 MiB hostile issuer DN is examined (bounded prefix) and completes', { timeout: 10_000 }, () => {
    const dn = hostileDn(1024 * 1024);
    expect(dn.length).toBeGreaterThanOrEqual(1024 * 1024);
    expect(withIssuer(brandMatch, dn)).toBe(brandMatch);
    // Only the bounded prefix is read: a "GO" placed after it does not count.
    expect(withIssuer(brandMatch, dn + ' GO')).toBe(brandMatch);
    expect(withIssuer(brandMatch, 'C=NO, O=Buypass AS, CN=Buypass Class 2 CA 5 GO ' + 'x'.repeat(1024 * 1024)).reason).toContain('Buypass Go');
    expect(boundIssuer(dn)).toHaveLength(MAX_ISSUER_CHARS);
  });

  it('a full-stream message whose certificate has a ~1 MiB issuer DN is processed, and stores a bounded issuer', { timeout: 20_000 }, async () => {
    const dir = tmpDir();
    const { processor, store } = paypalProcessor(dir);
    // Attributes of 32 KiB (one huge string is refused by the ASN.1 library), under the 1 MiB DER parse cap.
    const chunk = 'buypass '.repeat(4096);
    const dn = `C=NO, O=Buypass AS, ${Array.from({ length: 30 }, () => `OU=${chunk}`).join(', ')}, CN=Buypass Class 2 CA`;
    const factory = await CertFactory.create(dn);
    const iss = await factory.issue(['paypal-secure-login.com']);
    const msg = JSON.parse(fullStreamMessage(iss.final, iss.names, { log: 'https://log-a.example/', index: 1, precert: false }));
    msg.data.leaf_cert.issuer = { aggregated: dn };
    const r = decodeCertstreamText(JSON.stringify(msg), { source: 'test', maxNames: 1000 });
    if (r.kind !== 'cert') throw new Error('fixture did not decode');
    const res = await processor.processBatch([r.event], undefined, true);
    expect(res?.newHits).toBe(1);
    const [hit] = store.hits.listHits({});
    expect(hit!.issuer).toHaveLength(MAX_ISSUER_CHARS);
    expect(hit!.issuer!.startsWith('C=NO, O=Buypass AS, OU=buypass')).toBe(true);
    expect(hit!.reason).not.toContain('free DV');
    store.close();
  });
});
