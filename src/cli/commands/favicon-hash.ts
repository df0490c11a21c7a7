/**
 * `ctwatch favicon-hash FILE...`: the SHA-256 of each file, one `HASH  FILE` line each (as
 * sha256sum prints it), for `brands[].favicons`. Needs no configuration and no network.
 * Returns 0, or 1 when a file could not be read (the others are still printed); exit 2 without files.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CliError, EXIT_FAILURE, EXIT_USAGE, err, out, safeForTerminal } from '../util.js';

/** The web check hashes favicons up to this size (src/enrich/web.ts): a bigger file never matches. */
const FETCHED_MAX = 65_536;

export function faviconHashCommand(files: readonly string[]): number {
  if (files.length === 0) throw new CliError('favicon-hash: give the favicon file(s), e.g. ctwatch favicon-hash favicon.ico', EXIT_USAGE);
  let code = 0;
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      err(`ctwatch: favicon-hash: cannot read ${safeForTerminal(file)}: ${(e as { code?: string }).code ?? 'error'}\n`);
      code = EXIT_FAILURE;
      continue;
    }
    if (bytes.length === 0 || bytes.length > FETCHED_MAX) err(`ctwatch: favicon-hash: ${safeForTerminal(file)} is ${bytes.length} bytes: the web check hashes favicons of 1 to ${FETCHED_MAX} bytes, so this one never matches\n`);
    out(`${createHash('sha256').update(bytes).digest('hex')}  ${safeForTerminal(file)}\n`);
  }
  return code;
}
