/** The processor counts firings per configured rule; labels never carry certificate names. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ParsePool } from '../../src/pipeline/parse-pool.js';
import { decodeCertstreamText } from '../../src/feed/certstream-decode.js';
import { CertFactory, fullStreamMessage } from '../helpers/cert-factory.js';
import { ROOT, tmpDir } from '../helpers/fixtures.js';
import { paypalProcessor } from '../helpers/processor.js';

const WORKER = pathToFileURL(path.join(ROOT, 'dist/src/pipeline/parse-worker.js'));

describe('ctwatch_rule_firings_total', () => {
  const pool = new ParsePool(1, WORKER);
  afterAll(() => pool.close());

  it('counts each name on which a rule fired, labelled by brand and rule id from the config', async () => {
    const dir = tmpDir();
    const { processor, metrics, store } = paypalProcessor(dir, { parsePool: pool });
    const factory = await CertFactory.create();
    const iss = await factory.issue(['paypal-secure-login.com', 'www.paypal-secure-login.com', 'booking.com']);
    const r = decodeCertstreamText(fullStreamMessage(iss.final, iss.names, { log: 'https://log-a.example/', index: 1, precert: false }), { source: 'test', maxNames: 1000 });
    if (r.kind !== 'cert') throw new Error('fixture did not decode');
    await processor.processBatch([r.event], undefined, true);
    const text = await metrics.render();
    expect(text).toContain('ctwatch_rule_firings_total{brand="PayPal",rule="keyword:paypal"} 2');
    expect(text).not.toContain('paypal-secure-login');
    store.close();
  });
});
