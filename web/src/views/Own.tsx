/** Own domains: every name seen under a watched domain (inventory), and the hits it raised. */
import { api } from '../api.js';
import { Card, ErrorBox, Loading, Scroll } from '../components/bits.js';
import { HitsTable } from '../components/HitsTable.js';
import { IssuerShort, Name } from '../components/Name.js';
import { fmtNum, fmtTime } from '../format.js';
import { useLoad } from '../load.js';
import type { InventoryJson } from '../types.js';

export function Own() {
  const inv = useLoad(() => api.inventory(), 'inventory');
  return (
    <>
      <h1>Own domains</h1>
      <ErrorBox error={inv.error} />
      <Loading when={inv.loading && !inv.data} />
      {inv.data ? (
        <div class="grid">
          <Summary inv={inv.data} />
          <Card title={`Inventory (${inv.data.items.length} names)`} id="h-inv" wide>
            {inv.data.items.length === 0 ? <p class="muted">No certificate seen yet under a watched domain.</p> : null}
            <Scroll label="Inventory">
              <table class="inv">
                <thead>
                  <tr>
                    <th scope="col" class="namecol">
                      Name
                    </th>
                    <th scope="col" class="c-watch">
                      Watch item
                    </th>
                    <th scope="col">Issuers (CN)</th>
                    <th scope="col" class="c-certs num">
                      Certificates
                    </th>
                    <th scope="col" class="c-time">
                      First seen
                    </th>
                    <th scope="col" class="c-time">
                      Last seen
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {inv.data.items.map((it, i) => (
                    <tr key={i}>
                      <td class="namecol">
                        <Name name={it.name} short />
                      </td>
                      <td>
                        <bdi>{it.watch}</bdi>
                      </td>
                      <td>
                        {it.issuers.map((s, j) => (
                          <div key={j}>
                            <IssuerShort dn={s} />
                          </div>
                        ))}
                      </td>
                      <td class="num">{fmtNum(it.cert_count)}</td>
                      <td class="time">{fmtTime(it.first_seen, false)}</td>
                      <td class="time">{fmtTime(it.last_seen, false)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          </Card>
          <Card title={`New-name and unexpected-issuer hits (${inv.data.hits.length})`} id="h-ownhits" wide>
            {inv.data.hits.length === 0 ? <p class="muted">None.</p> : <HitsTable hits={inv.data.hits} caption="Own-domain hits" />}
          </Card>
        </div>
      ) : null}
    </>
  );
}

/** One line per watch item: names and issuers seen, and the hits they raised by kind. */
function Summary({ inv }: { inv: InventoryJson }) {
  const rows = new Map<string, { names: number; issuers: Set<string>; certs: number; newName: number; issuer: number }>();
  const row = (w: string) => {
    let r = rows.get(w);
    if (!r) rows.set(w, (r = { names: 0, issuers: new Set(), certs: 0, newName: 0, issuer: 0 }));
    return r;
  };
  for (const it of inv.items) {
    const r = row(it.watch);
    r.names++;
    r.certs += it.cert_count;
    for (const i of it.issuers) r.issuers.add(i);
  }
  for (const h of inv.hits) {
    if (!h.watch) continue;
    const ts = [h.technique, ...h.techniques];
    if (ts.some((t) => t.endsWith('unexpected-issuer'))) row(h.watch).issuer++;
    else if (ts.some((t) => t.endsWith('new-name'))) row(h.watch).newName++;
  }
  return (
    <Card title="Watched domains" id="h-watched" wide>
      {rows.size === 0 ? <p class="muted">No watch item has seen a certificate yet.</p> : null}
      <Scroll label="Watched domains">
        <table hidden={rows.size === 0}>
          <thead>
            <tr>
              <th scope="col">Watch item</th>
              <th scope="col" class="num">
                Names seen
              </th>
              <th scope="col" class="num">
                Certificates
              </th>
              <th scope="col" class="num">
                Issuers
              </th>
              <th scope="col" class="num">
                New-name hits
              </th>
              <th scope="col" class="num">
                Unexpected-issuer hits
              </th>
            </tr>
          </thead>
          <tbody>
            {[...rows].map(([w, r]) => (
              <tr key={w}>
                <th scope="row">
                  <bdi>{w}</bdi>
                </th>
                <td class="num">{fmtNum(r.names)}</td>
                <td class="num">{fmtNum(r.certs)}</td>
                <td class="num">{fmtNum(r.issuers.size)}</td>
                <td class="num">{fmtNum(r.newName)}</td>
                <td class={r.issuer > 0 ? 'num bad-text' : 'num'}>{fmtNum(r.issuer)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </Card>
  );
}
