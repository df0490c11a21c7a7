/**
 * A static-ct-api log on loopback that grows while the daemons read it: built once at its final
 * size from the real Navigli tiles, then served at sizes that are multiples of 256 (whole data
 * tiles), each with its own hash tiles and signed checkpoint. Growing is cheap (no entry is
 * rebuilt), so a test can grow it every few hundred milliseconds.
 */
import { NAVIGLI } from '../ctlog/fixtures.js';
import { startStaticServer } from '../ctlog/helpers/servers.js';
import { bigSyntheticLog, hashTiles } from '../ctlog/helpers/static-log.js';
import { signCheckpoint, testLogKey } from '../ctlog/helpers/testlog.js';
import { EMPTY_ROOT, rootFromLeafHashes } from '../../src/feed/ctlog/merkle.js';
import { tilePath } from '../../src/feed/ctlog/tiles.js';

const TILE = 256;

export class GrowingLog {
  readonly key = testLogKey();
  /** What the server serves now (mutated in place). */
  private readonly served = new Map<string, Buffer>();
  private readonly full: ReturnType<typeof bigSyntheticLog>;
  private server: Awaited<ReturnType<typeof startStaticServer>> | null = null;
  size = 0;

  /** `max` entries at most (a multiple of 256); `serialBase` keeps two logs' issuances apart. */
  constructor(
    readonly origin: string,
    readonly max: number,
    serialBase: number,
  ) {
    if (max % TILE !== 0) throw new Error('max must be a multiple of 256');
    this.full = bigSyntheticLog(NAVIGLI, this.key, origin, max, serialBase);
    // Files that are not tiles or the checkpoint (issuer certificates) are served from the start.
    for (const [p, b] of this.full.files) if (!p.startsWith('tile/') && p !== 'checkpoint') this.served.set(p, b);
  }

  get url(): string {
    return this.server!.url;
  }

  /** Starts serving at `size` entries. */
  async start(size: number): Promise<void> {
    this.grow(size);
    this.server = await startStaticServer(this.served);
  }

  /** Serves `size` entries (a multiple of 256, at most max): tiles first, the checkpoint last. */
  grow(size: number): void {
    if (size % TILE !== 0 || size > this.max || size < this.size) throw new Error(`bad size ${size}`);
    for (let i = this.size / TILE; i < size / TILE; i++) {
      const p = tilePath('data', i, TILE);
      this.served.set(p, this.full.files.get(p)!);
    }
    const hashes = this.full.leafHashes.slice(0, size);
    for (const [p, b] of hashTiles(hashes, size)) this.served.set(p, b);
    this.served.set('checkpoint', Buffer.from(signCheckpoint(this.key, this.origin, size, size === 0 ? EMPTY_ROOT : rootFromLeafHashes(hashes))));
    this.size = size;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }
}
