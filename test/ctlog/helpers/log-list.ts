/** A v3 log_list.json naming test logs served on loopback. */
import fs from 'node:fs';
import path from 'node:path';

export function writeLogList(dir: string, logs: { url: string; key: string; origin: string; description?: string }[]): string {
  const list = {
    version: 'test',
    log_list_timestamp: '2026-11-01T00:00:00Z',
    operators: [
      {
        name: 'ctwatch tests',
        email: [],
        logs: [],
        tiled_logs: logs.map((l, i) => ({
          description: l.description ?? `test log ${i}`,
          log_id: Buffer.alloc(32, i + 1).toString('base64'),
          key: l.key,
          monitoring_url: l.url,
          submission_url: `https://${l.origin}/`,
          mmd: 60,
          state: { usable: { timestamp: '2026-01-01T00:00:00Z' } },
        })),
      },
    ],
  };
  const file = path.join(dir, 'log_list.json');
  fs.writeFileSync(file, JSON.stringify(list));
  return file;
}
