/**
 * Differential test on real CT data: the fast name reader against @peculiar/x509 on the 1,024
 * real precertificates (Let's Encrypt staging, Navigli 2025h2 log) of the full-stream replay.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strictBase64Decode } from '../../src/cert/fast-names.js';
import { FIXTURES } from './load-certs.js';
import { compareReaders } from './differential.js';

describe('fast reader vs full parse on the Navigli 2025h2 precertificates', () => {
  const lines = readFileSync(join(FIXTURES, 'derived_navigli2025h2_full-stream_replay.jsonl'), 'utf8').split('\n');
  const ders: Uint8Array[] = [];
  for (const line of lines) {
    if (!line) continue;
    const msg = JSON.parse(line) as { message_type: string; data?: { leaf_cert?: { as_der?: string } } };
    const b64 = msg.data?.leaf_cert?.as_der;
    if (msg.message_type === 'certificate_update' && b64) ders.push(strictBase64Decode(b64)!);
  }

  it('has the 1,024 certificates', () => {
    expect(ders).toHaveLength(1024);
  });

  it('reads every one, identically', () => {
    const bad: number[] = [];
    ders.forEach((der, i) => {
      if (compareReaders(der).outcome !== 'agree') bad.push(i);
    });
    expect(bad).toEqual([]);
  });
});

