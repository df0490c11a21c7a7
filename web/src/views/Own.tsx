/** Own domains: every name seen under a watched domain (inventory), and the hits it raised. */
import { api } from '../api.js';
import { Card, ErrorBox, Loading, Scroll } from '../components/bits.js';
import { HitsTable } from '../components/HitsTable.js';
import { CertText, Name } from '../components/Name.js';
import { fmtNum, fmtTime } from '../format.js';
import { useLoad } from '../load.js';

export function Own() {
  const inv = useLoad(() => api.inventory(), 'inventory');
  return (
    <>
      <h1>Own domains</h1>
      <ErrorBox error={inv.error} />
      <Loading when={inv.loading && !inv.data} />
      {inv.data ? (
        <div class="grid">
          <Card title={`New-name and unexpected-issuer hits (${inv.data.hits.length})`} id="h-ownhits" wide>
            {inv.data.hits.length === 0 ? <p class="muted">None.</p> : <HitsTable hits={inv.data.hits} caption="Own-domain hits" />}
          </Card>
          <Card title={`Inventory (${inv.data.items.length} names)`} id="h-inv" wide>
            {inv.data.items.length === 0 ? <p class="muted">No certificate seen yet under a watched domain.</p> : null}
            <Scroll label="Inventory">
              <table>
                <thead>
                  <tr>
                    <th scope="col" class="namecol">
                      Name
                    </th>
                    <th scope="col">Watch item</th>
                    <th scope="col">Issuers</th>
                    <th scope="col">Certificates</th>
                    <th scope="col">First seen</th>
                    <th scope="col">Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {inv.data.items.map((it, i) => (
                    <tr key={i}>
                      <td class="namecol">
                        <Name name={it.name} clip />
                      </td>
                      <td>
                        <bdi>{it.watch}</bdi>
                      </td>
                      <td>
                        {it.issuers.map((s, j) => (
                          <div key={j}>
                            <CertText text={s} clip />
                          </div>
                        ))}
                      </td>
                      <td class="num">{fmtNum(it.cert_count)}</td>
                      <td class="time">{fmtTime(it.first_seen)}</td>
                      <td class="time">{fmtTime(it.last_seen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          </Card>
        </div>
      ) : null}
    </>
  );
}
