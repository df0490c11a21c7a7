/** Rules: brands, keywords, the allow list and watch items with how often each fired; a name tester. */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Card, ErrorBox, Loading, SeverityBadge, Scroll } from '../components/bits.js';
import { CertText, Name } from '../components/Name.js';
import { fmtNum, techniqueLabel } from '../format.js';
import { useLoad } from '../load.js';
import { href } from '../router.js';
import type { CheckJson, RulesJson } from '../types.js';

/**
 * The rules with their fired counts over the last 24 h and 7 days; when nothing fired in the
 * last 7 days but older hits exist (a replayed corpus, the demo), the counts up to the newest
 * hit instead, said above the tables.
 */
async function loadRules(): Promise<{ rules: RulesJson; upTo: string | null }> {
  const rules = await api.rules();
  const quiet = (r: RulesJson) => [...r.brands, ...r.watch].every((x) => x.fired_7d === 0);
  if (!quiet(rules)) return { rules, upTo: null };
  const latest = rules.latest ?? (await api.daily(1)).latest;
  if (!latest || Date.now() - Date.parse(latest) < 7 * 86_400_000) return { rules, upTo: null };
  const day = latest.slice(0, 10);
  const older = await api.rules(day);
  return quiet(older) ? { rules, upTo: null } : { rules: older, upTo: day };
}

export function Rules() {
  const loaded = useLoad(loadRules, 'rules');
  const r = { ...loaded, data: loaded.data?.rules };
  const upTo = loaded.data?.upTo ?? null;
  return (
    <>
      <h1>Rules</h1>
      <div class="grid">
        <CheckBox />
        <ErrorBox error={r.error} />
        <Loading when={r.loading && !r.data} />
        {upTo ? (
          <p class="notice wide" role="note">
            Nothing fired in the last 7 days. The counts are for the 24 hours and 7 days up to the newest hit ({upTo}).
          </p>
        ) : null}
        {r.data ? (
          <>
            <Card title={`Brands (${r.data.brands.length})`} id="h-brands" wide>
              <Scroll label="Brands">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Brand</th>
                      <th scope="col">Domains</th>
                      <th scope="col">Keywords</th>
                      <th scope="col" class="num">
                        Fired 24 h
                      </th>
                      <th scope="col" class="num">
                        Fired 7 d
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.data.brands.map((b) => (
                      <tr key={b.name}>
                        <th scope="row">
                          <a href={href('/hits', { brand: b.name })}>
                            <bdi>{b.name}</bdi>
                          </a>
                        </th>
                        <td>
                          <bdi>{b.domains.join(', ')}</bdi>
                        </td>
                        <td>
                          <bdi>{b.keywords.join(', ') || '–'}</bdi>
                        </td>
                        <td class="num">{fmtNum(b.fired_24h)}</td>
                        <td class="num">{fmtNum(b.fired_7d)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Scroll>
            </Card>
            <Card title={`Watched own domains (${r.data.watch.length})`} id="h-watch">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Domain</th>
                    <th scope="col">Expected issuers</th>
                    <th scope="col" class="num">
                        24 h
                      </th>
                    <th scope="col" class="num">
                        7 d
                      </th>
                  </tr>
                </thead>
                <tbody>
                  {r.data.watch.map((w) => (
                    <tr key={w.domain}>
                      <th scope="row">
                        <bdi>{w.domain}</bdi>
                      </th>
                      <td>
                        <bdi>{w.issuers.join(', ') || 'any'}</bdi>
                      </td>
                      <td class="num">{fmtNum(w.fired_24h)}</td>
                      <td class="num">{fmtNum(w.fired_7d)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
            <Card title={`Allow list (${r.data.allow.length})`} id="h-allow">
              {r.data.allow.length === 0 ? <p class="muted">Empty. Add with `ctwatch allow add DOMAIN`.</p> : null}
              <ul class="names">
                {r.data.allow.map((a) => (
                  <li key={a}>
                    <Name name={a} />
                  </li>
                ))}
              </ul>
            </Card>
          </>
        ) : null}
      </div>
    </>
  );
}

/** "Test a name": runs the live rules on one name (POST /api/v1/check); stores nothing. */
function CheckBox() {
  const [name, setName] = useState('');
  const [result, setResult] = useState<CheckJson | null>(null);
  const [err, setErr] = useState<Error | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return;
    try {
      setErr(undefined);
      setResult(await api.check(name.trim()));
    } catch (x) {
      setErr(x as Error);
    }
  };
  return (
    <Card title="Test a name" id="h-check" wide>
      <form class="inline" onSubmit={submit}>
        <label for="check-name">Name</label>
        <input id="check-name" type="text" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} placeholder="paypa1-login.com" autocomplete="off" spellcheck={false} />
        <button type="submit">Test</button>
      </form>
      <ErrorBox error={err} />
      <div role="status" class="checkresult">
        {result ? (
          result.matches.length === 0 ? (
            <p>
              <Name name={result.name} />: no rule fires.
            </p>
          ) : (
            <ul class="reasons">
              {result.matches.map((m, i) => (
                <li key={i}>
                  <SeverityBadge severity={m.severity} /> <span class="score">{m.score}</span> <strong>{techniqueLabel(m.technique)}</strong> <bdi>{m.brand ?? m.watch}</bdi>
                  <ul class="reason-parts">
                    {m.reason.split('; ').map((part, j) => (
                      <li key={j}>
                        <CertText text={part} />
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )
        ) : null}
      </div>
    </Card>
  );
}
