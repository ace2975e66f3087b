// WebSocket fan-out, for bench/fanout.sh (see bench/README.md).
//
// Usage: node fanout.mjs BASE_URL SERVER_PID WRITER_COOKIE WRITER_CSRF
//   CLIENTS ROUNDS
// Opens CLIENTS anonymous sockets, reads the server's RSS before and after,
// then ROUNDS times makes one mutation over HTTP (add_todo, which affects the
// public `stats` context) and times, from its HTTP answer, the arrival of
// the `invalidate` frame at every socket. Prints "name value" lines, the
// last todo added as `toggle_id` (the call load's target: bench/fanout.sh
// drives it with mizan_bench_ws_load and wrk, not from Node).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [base, pidText, cookie, csrf, clientsText, roundsText] = process.argv.slice(2);
const api = `${base.replace(/\/$/, '')}/api/mizan`;
const wsUrl = api.replace(/^http/, 'ws') + '/ws/';
const clients = Number(clientsText);
const rounds = Number(roundsText);

const rssKib = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pidText}/status`, 'utf8'))[1]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, 'mizan.v1', { perMessageDeflate: false });
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
let toggleId = 0;
for (let r = 0; r < rounds; ++r) {
  arrivals.fill(0);
  arrived = 0;
  armed = true;
  const sent = performance.now();
  toggleId = (await call('add_todo', { title: `fan-out ${r}` })).result.id;
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
console.log(`toggle_id ${toggleId}`);
for (const ws of sockets) ws.terminate();
await sleep(500);
process.exit(0);
