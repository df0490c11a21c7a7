// A CertStream server in its own process that floods its clients (bounded by a send buffer, so
// the flood itself uses bounded memory). Driven over IPC:
//   → {cmd:'burst', seconds}  floods for that long, then answers {done:'burst', sent, dropped, seconds}
//   → {cmd:'send'}             sends the next entry alone, answers {done:'send', index}
// Announces {port} when listening. Messages are real full-stream entries re-labelled with a
// running cert_index (one synthetic log), read from the file given as argv[2].
import fs from 'node:fs';
import { WebSocketServer } from 'ws';

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((m) => m.message_type === 'certificate_update');
// Templates with a placeholder, so each message costs one string concatenation.
const templates = lines.slice(0, 50).map((m) => {
  m.data.source.url = 'https://flood-log.example/';
  m.data.cert_index = 123456789;
  const [a, b] = JSON.stringify(m).split('123456789');
  return [a, b];
});
const text = (i) => {
  const [a, b] = templates[i % templates.length];
  return a + i + b;
};

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
let next = 0;
wss.on('listening', () => process.send({ port: wss.address().port }));
wss.on('connection', (ws) => ws.on('error', () => {}));

// Like certstream-server-go: each client has a bounded send buffer, and a message that does not
// fit because the client reads too slowly is dropped for that client (the entry's index is used
// up, so the client sees a gap). Entries are offered at RATE per second.
const HIGH_WATER = 1 << 20;
const RATE = 20_000;
function burst(seconds) {
  const start = Date.now();
  let offered = 0;
  let dropped = 0;
  const tick = () => {
    const elapsed = Date.now() - start;
    if (elapsed >= seconds * 1000) {
      process.send({ done: 'burst', sent: offered, dropped, seconds: elapsed / 1000 });
      return;
    }
    const due = Math.floor((elapsed / 1000) * RATE);
    while (offered < due) {
      const i = next++;
      offered++;
      for (const ws of wss.clients) {
        if (ws.readyState === ws.OPEN && ws.bufferedAmount < HIGH_WATER) ws.send(text(i));
        else dropped++;
      }
    }
    setImmediate(tick);
  };
  tick();
}

process.on('message', (m) => {
  if (m.cmd === 'burst') burst(m.seconds);
  if (m.cmd === 'send') {
    const index = next++;
    for (const ws of wss.clients) ws.send(text(index));
    process.send({ done: 'send', index });
  }
  if (m.cmd === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
