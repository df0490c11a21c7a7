import type { DecodedEntry } from './leaf.js';
import type { CompactRange } from './merkle.js';
import type { SignedTreeHead } from './signature.js';
import type { CtLogError } from './errors.js';

/** A run of consecutive log entries as read from the log. */
export interface ReadBatch {
  /** Index of the first entry. */
  start: number;
  /** Leaf hash of every entry in the run, in order (including malformed ones). */
  leafHashes: Uint8Array[];
  /** The entries that decoded. */
  entries: DecodedEntry[];
  /** Entries that could not be decoded (counted and skipped; their hashes are in leafHashes). */
  malformed: CtLogError[];
}

/** What the source loop needs from a log, whichever API it speaks. */
export interface LogReader {
  readonly kind: 'rfc6962' | 'static';
  /** The latest signed tree head, signature verified. */
  getTreeHead(): Promise<SignedTreeHead>;
  /** Compact range of [0, sth.treeSize), proven against sth.rootHash (or throws 'bad-proof'). */
  frontierAt(sth: SignedTreeHead): Promise<CompactRange>;
  /** Consecutive batches covering [start, end), in order; `end` ≤ sth.treeSize of a verified head. */
  read(start: number, end: number, sth: SignedTreeHead): AsyncGenerator<ReadBatch>;
}
