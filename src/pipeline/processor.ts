/**
 * Turns a batch of CertEvents into committed hits:
 *   names (fast reader, else full parse, plus the message's own list) → matcher → for candidates
 *   only, the full @peculiar/x509 parse for the hit's details → one store transaction.
 *
 * Fail-safe: a certificate whose names the fast reader cannot read goes to the full parse; a
 * candidate that does not parse is still a hit, with the message's own fields.
 */
import { createHash } from 'node:crypto';
import { parseCertificate } from '../cert/full-parse.js';
import { readCertNames } from '../cert/fast-names.js';
import { issuanceKeyFromDer, issuanceKeyFromFields } from '../cert/issuance-key.js';
import type { CertDetails } from '../cert/types.js';
import type { CertEvent } from '../feed/types.js';
import { sanitizeName } from '../feed/certstream-decode.js';
import type { Matcher, Match } from '../match/types.js';
import { boundIssuer, registrableDomain, withIssuer } from '../match/index.js';
import type { Logger } from '../log/logger.js';
import { LogRateLimiter } from '../log/rate-limit.js';
import type { Metrics } from '../http/metrics.js';
import type { HitsApi, RecordBatchOptions } from '../store/backend.js';
import type { ParsePool } from './parse-pool.js';
import type { CandidateMatch, CandidateRecord, RecordResult, RouteFn } from '../store/types.js';

/** The parts of the running config the processor reads; swapped whole on reload. */
export interface ProcessorRules {
  matcher: Matcher;
  route: RouteFn;
  /** Expected issuers per watch item (as configured). */
  watchIssuers: ReadonlyMap<string, readonly string[]>;
}

export interface ProcessorDeps {
  /** Where candidates are committed (StoreBackend.hits). */
  hits: Pick<HitsApi, 'recordBatch' | 'recordBatchNow'>;
  /**
   * Asked when a commit failed: resolves true when it is worth trying the same commit again (the
   * store was unavailable and answers again), false to give up (the error is then rethrown).
   * Only batches without a position are retried (a CT-log batch is read again instead).
   * Default: never retry.
   */
  retryCommit?: (err: unknown) => Promise<boolean>;
  metrics: Metrics;
  log: Logger;
  rules: () => ProcessorRules;
  /** Most names per certificate that are matched (the rest are counted and ignored). */
  maxNames: number;
  /** Worker threads for the full parse of candidates; without it they are parsed inline. */
  parsePool?: ParsePool;
  onCommitted?: (result: RecordResult, batch: readonly CertEvent[]) => void;
}

/** An event whose names matched, on its way to becoming a CandidateRecord. */
interface Examined {
  ev: CertEvent;
  names: string[];
  matches: Match[];
  details: CertDetails | null;
  parseFailed: boolean;
}

export class Processor {
  private readonly limiter = new LogRateLimiter();

  constructor(private readonly deps: ProcessorDeps) {}

  /**
   * Processes a batch: names, matching, then for candidates the full parse and one commit.
   * Returns null at once when nothing matched and there is nothing to commit (the common case);
   * otherwise the commit's result: at once when the store commits synchronously (SQLite) and
   * nothing went to a parse worker, else a promise of it. Never throws or rejects for bad input; a storage
   * failure is logged and rejected (after retryCommit gave up).
   * `commit` is passed to recordBatch: a CT log position (committed with the batch's hits, even
   * when the batch has no candidate) and the lease fencing it.
   * `parseHere`: the caller has no backlog, so this thread has the few milliseconds a parse takes;
   * parsing here saves the round trip to a worker and the wait until the event loop picks up its
   * reply (quicker to commit). Left false (a backlog: a CT log read in batches, a full queue),
   * parses go to the workers and this thread's time goes to reading and matching.
   */
  processBatch(batch: readonly CertEvent[], commit?: RecordBatchOptions, parseHere = false): RecordResult | Promise<RecordResult> | null {
    const rules = this.deps.rules();
    const found: Examined[] = [];
    for (const ev of batch) {
      try {
        const c = this.examine(ev, rules);
        if (c) found.push(c);
      } catch (err) {
        // A bug on one event must not stop the stream; count it and say where.
        this.deps.metrics.dropped.inc({ reason: 'internal_error' });
        this.logLimited('process_error', { err, log: ev.logUrl, index: ev.index }, 'failed to process an entry');
      }
    }
    if (found.length === 0 && !commit?.position) return null;
    const needParse = found.filter((c) => c.ev.der && !c.details && !c.parseFailed);
    const pool = this.deps.parsePool;
    if (needParse.length === 0 || !pool || parseHere) {
      for (const c of needParse) this.applyParse(c, this.fullParse(c.ev));
      return this.commit(found, batch, rules, commit);
    }
    return pool.parse(needParse.map((c) => c.ev.der!)).then(
      (results) => {
        results.forEach((r, i) => this.applyParse(needParse[i]!, r.ok ? this.parsed(r.details) : this.parseError(needParse[i]!.ev, r.error)));
        return this.commit(found, batch, rules, commit);
      },
      () => {
        // The pool is gone (shutdown, a dead worker): parse here instead; nothing is lost.
        for (const c of needParse) this.applyParse(c, this.fullParse(c.ev));
        return this.commit(found, batch, rules, commit);
      },
    );
  }

  /**
   * Commits the candidates: synchronously when the store can (recordBatchNow, SQLite: no promise
   * per batch on the ingest path), else awaiting it, retrying while retryCommit says so.
   */
  private commit(found: Examined[], batch: readonly CertEvent[], rules: ProcessorRules, opts?: RecordBatchOptions): RecordResult | Promise<RecordResult> {
    const candidates = found.map((c) => this.record(c, rules));
    const now = this.deps.hits.recordBatchNow;
    if (now) {
      let result: RecordResult;
      try {
        result = now.call(this.deps.hits, candidates, rules.route, opts);
      } catch (err) {
        this.commitFailed(err, candidates.length, opts);
        throw err;
      }
      return this.committed(result, batch);
    }
    return this.commitAsync(candidates, batch, rules, opts);
  }

  private async commitAsync(candidates: CandidateRecord[], batch: readonly CertEvent[], rules: ProcessorRules, opts?: RecordBatchOptions): Promise<RecordResult> {
    for (;;) {
      try {
        return this.committed(await this.deps.hits.recordBatch(candidates, rules.route, opts), batch);
      } catch (err) {
        if (!opts?.position && this.deps.retryCommit && (await this.deps.retryCommit(err))) continue;
        this.commitFailed(err, candidates.length, opts);
        throw err;
      }
    }
  }

  /** Logs a failed commit once, at the level its cause deserves. */
  private commitFailed(err: unknown, candidates: number, opts?: RecordBatchOptions): void {
    const code = (err as { code?: unknown }).code;
    // Another instance took the log over: it reads these entries again; nothing is lost.
    if (code === 'LEASE_LOST') this.deps.log.info({ log: opts?.position?.logKey }, 'CT log taken over by another instance; batch left to it');
    // The outage itself is logged and alerted once (store.unavailable); the batch is read again.
    else if (code === 'STORE_UNAVAILABLE') this.deps.log.debug({ log: opts?.position?.logKey }, 'store unavailable; batch not committed');
    else this.deps.log.error({ err, candidates }, 'failed to commit hits');
  }

  /** Counts a committed batch and tells onCommitted. */
  private committed(result: RecordResult, batch: readonly CertEvent[]): RecordResult {
    const m = this.deps.metrics;
    m.hits.inc({ outcome: 'new' }, result.newHits);
    m.hits.inc({ outcome: 'sighting' }, result.sightings);
    m.hits.inc({ outcome: 'suppressed' }, result.suppressed);
    const now = Date.now();
    for (const ev of batch) m.processSeconds.observe((now - ev.receivedAt) / 1000);
    this.deps.onCommitted?.(result, batch);
    return result;
  }

  /** Names and matching for one event. Returns null when nothing matched (the common case). */
  private examine(ev: CertEvent, rules: ProcessorRules): Examined | null {
    const m = this.deps.metrics;
    m.certificates.inc();
    let details: CertDetails | null = null;
    let parseFailed = false;
    let names: string[] = [];

    if (ev.der) {
      const fast = readCertNames(ev.der);
      if (fast) {
        m.fastPath.inc({ result: 'ok' });
        names = fast.dnsNames;
      } else {
        // The fast reader could not read it: the full parse decides, here and now (fail-safe).
        m.fastPath.inc({ result: 'fallback' });
        details = this.fullParse(ev);
        parseFailed = details === null;
        if (details) names = details.dnsNames;
      }
    }
    // Names read from the DER are raw bytes: the same rule as for message names applies (names that
    // cannot exist in DNS dropped, characters a hostname cannot hold escaped) before matching.
    if (names.length) names = this.sanitize(names);
    // The message's own list is matched too: if it names something the DER does not (or the DER
    // did not parse), matching it can only add hits, never hide one.
    if (ev.names) names = names.length ? union(names, ev.names) : ev.names;
    if (names.length > this.deps.maxNames) {
      m.dropped.inc({ reason: 'too_many_names' }, names.length - this.deps.maxNames);
      names = names.slice(0, this.deps.maxNames);
    }

    let matches: Match[] = [];
    for (const name of names) {
      const hit = rules.matcher.matchName(name);
      if (hit.length) matches = matches.concat(hit);
    }
    if (matches.length === 0) return null;
    for (const mt of matches) {
      m.matches.inc({ technique: mt.technique });
      for (const rule of mt.rules ?? []) m.countRule(mt.brand ?? mt.watch ?? '', rule);
    }
    return { ev, names, matches, details, parseFailed };
  }

  private applyParse(c: Examined, details: CertDetails | null): void {
    c.details = details;
    c.parseFailed = details === null;
  }

  private parsed(d: CertDetails): CertDetails {
    this.deps.metrics.certsParsed.inc();
    return d;
  }

  /** The hit's record: the full parse's details where there are any, else the message's fields. */
  private record(c: Examined, rules: ProcessorRules): CandidateRecord {
    const { ev, details, matches } = c;
    const f = ev.fields;
    // Bounded: a hostile certificate's 1 MiB issuer DN is neither scanned nor stored whole.
    const issuer = boundIssuer(details?.issuerDn ?? f.issuer);
    const issuanceKey = this.issuanceKey(ev, details, c.parseFailed);
    // Free automated DV issuance (Let's Encrypt, ZeroSSL, ...) is known only now: it raises a brand match.
    const candidateMatches: CandidateMatch[] = matches.map((m0) => withIssuer(m0, issuer)).map((mt) => ({
      ...mt,
      registrable: registrableDomain(mt.name),
      issuerExpected: mt.watch !== null ? issuerExpected(rules.watchIssuers.get(mt.watch) ?? [], issuer) : undefined,
    }));
    return {
      issuance: {
        issuanceKey,
        sha256: details?.sha256 ?? f.sha256,
        serial: details?.serialHex ?? f.serialHex,
        issuer,
        subject: details?.subjectDn ?? f.subject,
        notBefore: (details?.notBefore ?? f.notBefore)?.getTime() ?? null,
        notAfter: (details?.notAfter ?? f.notAfter)?.getTime() ?? null,
        precert: details?.precert ?? ev.precert ?? false,
        names: details ? union(details.dnsNames, ev.names ?? []) : c.names,
        logUrl: ev.logUrl,
        logIndex: ev.index,
        source: ev.source,
        seenAt: ev.seenAt.getTime(),
      },
      matches: candidateMatches,
    };
  }

  /**
   * The issuance identity (see cert/issuance-key.ts). Never fails: when neither the DER nor the
   * message fields identify the certificate, the entry itself (log, index, names) does, so a
   * candidate is never lost for want of a key (at worst it is stored twice).
   */
  private issuanceKey(ev: CertEvent, details: CertDetails | null, parseFailed: boolean): string {
    const f = ev.fields;
    if (details) return details.issuanceKey;
    if (ev.der && !parseFailed) {
      try {
        return issuanceKeyFromDer(ev.der);
      } catch {
        // fall through to the message fields
      }
    }
    const derSha = ev.der ? createHash('sha256').update(ev.der).digest('hex') : null;
    try {
      return issuanceKeyFromFields(f.issuer, f.serialHex, f.sha256 ?? derSha);
    } catch {
      const id = JSON.stringify([ev.logUrl, ev.index, ev.names]);
      return `entry:${createHash('sha256').update(id).digest('hex')}`;
    }
  }

  private sanitize(raw: readonly string[]): string[] {
    const out: string[] = [];
    for (const n of raw) {
      const r = sanitizeName(n);
      if (r.kind === 'drop') {
        this.deps.metrics.dropped.inc({ reason: 'bad_name' });
        continue;
      }
      if (r.kind === 'escaped') this.deps.metrics.dropped.inc({ reason: 'escaped_name' });
      out.push(r.name);
    }
    return out;
  }

  private fullParse(ev: CertEvent): CertDetails | null {
    try {
      return this.parsed(parseCertificate(ev.der!));
    } catch (err) {
      return this.parseError(ev, err);
    }
  }

  private parseError(ev: CertEvent, err: unknown): null {
    this.deps.metrics.parseErrors.inc();
    this.logLimited('parse_error', { err: errSummary(err), log: ev.logUrl, index: ev.index }, 'certificate did not parse; using the message fields');
    return null;
  }

  private logLimited(key: string, obj: Record<string, unknown>, msg: string): void {
    const r = this.limiter.allow(key);
    if (r.log) this.deps.log.warn({ ...obj, suppressedSinceLast: r.suppressed || undefined }, msg);
  }
}

/** Case-insensitive substring match of any expected issuer in the issuer DN; no list = any issuer. */
export function issuerExpected(expected: readonly string[], issuer: string | null): boolean | undefined {
  if (expected.length === 0) return true;
  if (!issuer) return undefined;
  const dn = issuer.toLowerCase();
  return expected.some((e) => dn.includes(e.toLowerCase()));
}

function union(a: readonly string[], b: readonly string[]): string[] {
  if (b.length === 0) return [...a];
  const set = new Set(a);
  const out = [...a];
  for (const x of b) if (!set.has(x)) out.push(x);
  return out;
}

function errSummary(err: unknown): { code?: string; message: string } {
  const e = err as { code?: string; message?: string };
  return { code: e?.code, message: String(e?.message ?? err).slice(0, 200) };
}
