// WebSocket fan-out and calls, for bench/fanout.sh (see bench/README.md).
//
// Usage: node fanout.mjs BASE_URL SERVER_PID WRITER_COOKIE WRITER_CSRF
//   CLIENTS ROUNDS CALL_SECONDS
// Opens CLIENTS anonymous sockets, reads the server's RSS before and after,
// then ROUNDS times makes one mutation over HTTP (add_todo, which affects the
// public `stats` context) and times, from its HTTP answer, the arrival of
// the `invalidate` frame at every socket. Then, for CALL_SECONDS, 16 of the
// writer's sockets keep 16 `toggle_todo` calls each in flight. Prints
// "name value" lines.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [base, pidText, cookie, csrf, clientsText, roundsText, callSecondsText] = process.argv.slice(2);
const api = `${base.replace(/\/$/, '')}/api/mizan`;
const wsUrl = api.replace(/^http/, 'ws') + '/ws/';
const clients = Number(clientsText);
const rounds = Number(roundsText);
const callSeconds = Number(callSecondsText);

const rssKib = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pidText}/status`, 'utf8'))[1]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function open(headers = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, 'mizan.v1', { headers, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function call(fn, args) {
  const res = await fetch(`${api}/call/${fn}/`, {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${fn}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// --- fan-out -----------------------------------------------------------------
const before = rssKib();
const sockets = [];
let arrived = 0;
let armed = false;
const arrivals = new Float64Array(clients);
for (let i = 0; i < clients; i += 250) {
  const batch = [];
  for (let j = i; j < Math.min(clients, i + 250); ++j) batch.push(open());
  sockets.push(...(await Promise.all(batch)));
}
sockets.forEach((ws, i) =>
  ws.on('message', (data) => {
    if (!armed || arrivals[i] !== 0) return;
    if (!String(data).includes('"stats"')) return;
    arrivals[i] = performance.now();
    ++arrived;
  }),
);
await sleep(1000);
const after = rssKib();
console.log(`rss_before_kib ${before}`);
console.log(`rss_after_kib ${after}`);
console.log(`rss_per_socket_bytes ${Math.round(((after - before) * 1024) / clients)}`);

const lastTimes = [];
const fromRequest = [];
const allTimes = [];
for (let r = 0; r < rounds; ++r) {
  arrivals.fill(0);
  arrived = 0;
  armed = true;
  const sent = performance.now();
  await call('add_todo', { title: `fan-out ${r}` });
  const answered = performance.now();
  const deadline = answered + 5000;
  while (arrived < clients && performance.now() < deadline) await sleep(1);
  armed = false;
  if (arrived < clients) throw new Error(`round ${r}: ${clients - arrived} sockets got no push in 5 s`);
  // From the answer (0 when the push beat it), and from the request.
  let last = 0;
  let lastFromRequest = 0;
  for (const t of arrivals) {
    const after = Math.max(0, t - answered);
    allTimes.push(after);
    last = Math.max(last, after);
    lastFromRequest = Math.max(lastFromRequest, t - sent);
  }
  lastTimes.push(last);
  fromRequest.push(lastFromRequest);
  await sleep(50);
}
lastTimes.sort((a, b) => a - b);
allTimes.sort((a, b) => a - b);
console.log(`last_p50_ms ${percentile(lastTimes, 50).toFixed(1)}`);
console.log(`last_p99_ms ${percentile(lastTimes, 99).toFixed(1)}`);
console.log(`last_max_ms ${lastTimes[lastTimes.length - 1].toFixed(1)}`);
fromRequest.sort((a, b) => a - b);
console.log(`request_p50_ms ${percentile(fromRequest, 50).toFixed(1)}`);
console.log(`request_p99_ms ${percentile(fromRequest, 99).toFixed(1)}`);
console.log(`each_p50_ms ${percentile(allTimes, 50).toFixed(1)}`);
console.log(`each_p99_ms ${percentile(allTimes, 99).toFixed(1)}`);
for (const ws of sockets) ws.terminate();
await sleep(500);

// --- calls over the socket ---------------------------------------------------
if (callSeconds > 0) {
  const todo = await call('add_todo', { title: 'toggled over the socket' });
  const id = todo.result.id;
  const callers = await Promise.all(Array.from({ length: 16 }, () => open({ Cookie: cookie })));
  let done = 0;
  let failed = 0;
  let next = 1;
  const latencies = [];
  const stopAt = performance.now() + callSeconds * 1000;
  await new Promise((resolve) => {
    let open = callers.length;
    for (const ws of callers) {
      const sent = new Map();
      const send = () => {
        const n = next++;
        sent.set(n, performance.now());
        ws.send(`{"op":"call","id":${n},"fn":"toggle_todo","args":{"id":${id}}}`);
      };
      ws.on('close', (code) => {
        if (performance.now() < stopAt) console.error(`a calling socket closed early (${code})`);
        if (--open === 0) resolve();
      });
      ws.on('message', (data) => {
        const text = String(data);
        if (!text.startsWith('{"op":"result"') && !text.startsWith('{"op":"error"')) return;
        const n = Number(/"id":(\d+)/.exec(text)[1]);
        latencies.push(performance.now() - sent.get(n));
        sent.delete(n);
        if (text.startsWith('{"op":"result"')) ++done;
        else ++failed;
        if (performance.now() < stopAt) send();
        else if (sent.size === 0) ws.close();
      });
      for (let k = 0; k < 16; ++k) send();
    }
  });
  latencies.sort((a, b) => a - b);
  console.log(`ws_calls_per_s ${Math.round(done / callSeconds)}`);
  console.log(`ws_call_p50_ms ${percentile(latencies, 50).toFixed(2)}`);
  console.log(`ws_call_p99_ms ${percentile(latencies, 99).toFixed(2)}`);
  console.log(`ws_call_errors ${failed}`);
  console.log(`toggle_id ${id}`);
  for (const ws of callers) ws.terminate();
}
process.exit(0);
