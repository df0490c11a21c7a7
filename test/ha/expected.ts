/**
 * What the high-availability tests expect from the synthetic CT logs: entry i of a synthetic log
 * carries the names of Navigli entry i % 1024 (with a fresh serial), so the rules each entry
 * fires are known in advance, with the daemon's own matcher.
 */
import fs from 'node:fs';
import { buildConfig } from '../../src/config/load.js';
import { compileRules } from '../../src/app.js';
import { NAVIGLI_REPLAY } from '../helpers/fixtures.js';

export const HA_BRANDS = [
  { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
  { name: 'Sberbank', domains: ['sberbank.ru'], keywords: ['sberbank'] },
];

/** How many rule firings (sightings) entries 0..count-1 of a synthetic log produce. */
export function expectedSightings(count: number): number {
  const { matcher } = compileRules(buildConfig({ feed: { replay: 'x' }, brands: HA_BRANDS }));
  const byIndex = new Map<number, string[]>();
  for (const line of fs.readFileSync(NAVIGLI_REPLAY, 'utf8').split('\n')) {
    if (!line) continue;
    const m = JSON.parse(line);
    if (m.data?.cert_index !== undefined) byIndex.set(m.data.cert_index, m.data.leaf_cert.all_domains);
  }
  const perTemplate = new Map<number, number>();
  for (let j = 0; j < 1024; j++) perTemplate.set(j, new Set((byIndex.get(j) ?? []).flatMap((n) => matcher.matchName(n).map((x) => x.brand))).size);
  let n = 0;
  for (let i = 0; i < count; i++) n += perTemplate.get(i % 1024)!;
  return n;
}

/** The Navigli CertStream corpus, one message per line. */
export function certstreamCorpus(): string[] {
  return fs.readFileSync(NAVIGLI_REPLAY, 'utf8').split('\n').filter(Boolean);
}
