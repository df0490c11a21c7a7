/**
 * One hit: the defanged name (raw name only in a read-only field with a copy button), score,
 * severity and every reason, the certificate, every sighting, the triage history and the
 * takedown record. The only outbound link is crt.sh by SHA-256, built from a checked hex digest.
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBox, Loading, SeverityBadge, StatusBadge, Scroll } from '../components/bits.js';
import { CertText, Name } from '../components/Name.js';
import { EnrichmentCard } from '../components/EnrichmentCard.js';
import { fmtDate, fmtTime, takedownLabel, techniqueLabel } from '../format.js';
import { useLoad } from '../load.js';
import { href } from '../router.js';
import { TAKEDOWN_STATUSES, type HitDetail as Detail, type TakedownStatus } from '../types.js';

/** crt.sh search by certificate hash; null unless `sha` is exactly 64 hex digits. */
export function crtshUrl(sha: string | null | undefined): string | null {
  return sha && /^[0-9a-f]{64}$/i.test(sha) ? `https://crt.sh/?sha256=${sha.toUpperCase()}` : null;
}

export function HitDetail({ id }: { id: number }) {
  const d = useLoad(() => api.hit(id), String(id));
  return (
    <>
      <p class="back">
        <a href={href('/hits')}>← All hits</a>
      </p>
      <ErrorBox error={d.error} />
      <Loading when={d.loading && !d.data} />
      {d.data ? <DetailBody d={d.data} reload={d.reload} /> : null}
    </>
  );
}

function DetailBody({ d, reload }: { d: Detail; reload: () => void }) {
  const h = d.hit;
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (action: 'ack' | 'fp' | 'reopen') => {
    setBusy(true);
    try {
      const r = await api.triage(h.id, { action });
      setMsg(`Status is now: ${r.hit.status.replace('_', ' ')}.`);
      reload();
    } catch (e) {
      setMsg(`Triage failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  const crtsh = crtshUrl(h.cert.sha256);
  const names = h.names?.length ? h.names : [h.name];
  return (
    <article aria-labelledby="hit-title">
      <header class="hithead">
        <h1 id="hit-title">
          <span class="sr-only">Hit {h.id}: </span>
          <Name name={h.name} registrable={h.registrable} />
        </h1>
        <div class="chips">
          <SeverityBadge severity={h.severity} />
          <span class="score" title="Score 0–100">
            score {h.score}
          </span>
          <StatusBadge status={h.status} suppressed={h.suppressed} />
          <span>
            <bdi>{h.brand ?? h.watch ?? '–'}</bdi> · {techniqueLabel(h.technique)}
          </span>
        </div>
        <RawName name={h.name} />
        <div class="actions">
          <button type="button" disabled={busy || h.status === 'acknowledged'} onClick={() => act('ack')}>
            Acknowledge
          </button>
          <button type="button" disabled={busy || h.status === 'false_positive'} onClick={() => act('fp')}>
            False positive
          </button>
          <button type="button" disabled={busy || h.status === 'new'} onClick={() => act('reopen')}>
            Reopen
          </button>
          <span role="status" class="msg">
            {msg}
          </span>
        </div>
      </header>

      <div class="grid two">
        <section class="card wide" aria-labelledby="h-reasons">
          <h2 id="h-reasons">Why it was flagged</h2>
          <ul class="reasons">
            {(d.reasons.length ? d.reasons : [{ technique: h.technique, reason: h.reason, score: h.score as number | null, severity: h.severity }]).map((r, i) => (
              <li key={i}>
                {r.severity ? <SeverityBadge severity={r.severity} /> : null} {r.score !== null ? <span class="score">{r.score}</span> : null}{' '}
                {r.technique ? <strong>{techniqueLabel(r.technique)}</strong> : null}
                <div class="reason">
                  <CertText text={r.reason} />
                </div>
              </li>
            ))}
          </ul>
        </section>

        <EnrichmentCard latest={d.enrichment !== undefined ? d.enrichment : h.enrichment} history={d.enrichment_history ?? []} />

        <section class="card" aria-labelledby="h-cert">
          <h2 id="h-cert">Certificate</h2>
          <dl class="kv">
            <dt>Type</dt>
            <dd>{h.cert.precert ? 'Precertificate' : 'Final certificate'}</dd>
            <dt>Issuer</dt>
            <dd>
              <CertText text={h.cert.issuer} />
            </dd>
            <dt>Subject</dt>
            <dd>
              <CertText text={h.cert.subject} />
            </dd>
            <dt>Serial</dt>
            <dd class="mono wrap">{h.cert.serial ?? '–'}</dd>
            <dt>Valid</dt>
            <dd>
              {fmtDate(h.cert.not_before)} to {fmtDate(h.cert.not_after)}
            </dd>
            <dt>SHA-256</dt>
            <dd class="mono wrap">{h.cert.sha256}</dd>
            <dt>Look up</dt>
            <dd>
              {crtsh ? (
                <a href={crtsh} target="_blank" rel="noopener noreferrer">
                  crt.sh (by SHA-256)
                </a>
              ) : (
                '–'
              )}
            </dd>
          </dl>
        </section>

        <section class="card" aria-labelledby="h-names">
          <h2 id="h-names">Names in the certificate ({names.length})</h2>
          <ul class="names">
            {names.map((n, i) => (
              <li key={i}>
                <Name name={n} />
              </li>
            ))}
          </ul>
          <p class="muted small">
            First seen {fmtTime(h.first_seen)}, last seen {fmtTime(h.last_seen)}, {h.times_seen} time{h.times_seen === 1 ? '' : 's'}.
          </p>
        </section>

        <section class="card wide" aria-labelledby="h-sight">
          <h2 id="h-sight">Sightings ({d.sightings.length})</h2>
          <Scroll label="Sightings">
            <table>
              <thead>
                <tr>
                  <th scope="col">Seen</th>
                  <th scope="col">Log</th>
                  <th scope="col">Index</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {d.sightings.map((s, i) => (
                  <tr key={i}>
                    <td class="time">{fmtTime(s.seen_at)}</td>
                    <td>
                      <bdi class="clip">{s.log ?? '–'}</bdi>
                    </td>
                    <td class="num">{s.index ?? '–'}</td>
                    <td>{s.source ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        </section>

        <Takedown d={d} reload={reload} />

        <section class="card" aria-labelledby="h-triage">
          <h2 id="h-triage">Triage history</h2>
          {d.triage.length === 0 ? <p class="muted">No triage yet.</p> : null}
          <ol class="history">
            {d.triage.map((t, i) => (
              <li key={i}>
                <span class="time">{fmtTime(t.at)}</span> <strong>{t.action}</strong>
                {t.takedown ? ` (${takedownLabel(t.takedown)})` : ''}
                {t.note ? (
                  <div class="note">
                    <bdi>{t.note}</bdi>
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </article>
  );
}

/** The raw name, selectable and copyable, in a read-only input (never a link). */
function RawName({ name }: { name: string }) {
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(name);
      setCopied('Copied.');
    } catch {
      const el = document.getElementById('raw-name') as HTMLInputElement | null;
      el?.select();
      setCopied('Press Ctrl+C to copy the selected name.');
    }
  };
  return (
    <div class="raw">
      <label for="raw-name">Raw name (careful: live domain)</label>
      <div class="rawrow">
        <input id="raw-name" class="mono" type="text" readOnly value={name} spellcheck={false} dir="ltr" />
        <button type="button" onClick={copy}>
          Copy
        </button>
        <span role="status" class="msg">
          {copied}
        </span>
      </div>
    </div>
  );
}

function Takedown({ d, reload }: { d: Detail; reload: () => void }) {
  const cur = d.hit.takedown ?? null;
  const [status, setStatus] = useState<TakedownStatus>(cur?.status ?? 'none');
  const [at, setAt] = useState(cur?.at?.slice(0, 10) ?? '');
  const [note, setNote] = useState(cur?.note ?? '');
  const [msg, setMsg] = useState('');
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await api.triage(d.hit.id, { action: 'takedown', takedown: status, at: at || undefined, note: note || undefined });
      setMsg('Takedown status saved.');
      reload();
    } catch (err) {
      setMsg(`Could not save: ${(err as Error).message}`);
    }
  };
  return (
    <section class="card" aria-labelledby="h-takedown">
      <h2 id="h-takedown">Takedown</h2>
      <p>
        Current: <strong>{takedownLabel(cur?.status ?? 'none')}</strong>
        {cur?.at ? ` since ${fmtDate(cur.at)}` : ''}
      </p>
      <form class="stack" onSubmit={save}>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as TakedownStatus)}>
            {TAKEDOWN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {takedownLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Date
          <input type="date" value={at} onChange={(e) => setAt((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Note
          <textarea rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </label>
        <div>
          <button type="submit">Save takedown status</button> <span role="status" class="msg">{msg}</span>
        </div>
      </form>
    </section>
  );
}
