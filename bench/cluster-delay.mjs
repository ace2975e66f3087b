// The cross-instance invalidation delay, for bench/cluster.sh (see
// bench/README.md, "Several instances").
//
// Usage: node cluster-delay.mjs URL1 URL2 URL3 WRITER_COOKIE WRITER_CSRF
//   SOCKETS ROUNDS
// URL1..3 are three instances of one cluster (their own addresses, not the
// load balancer's). Opens SOCKETS anonymous sockets, half to instance 2 and
// half to instance 3, then ROUNDS times, one after the other, makes one
// mutation over HTTP on instance 1 (add_todo, which affects the public
// `stats` context) and measures, from the moment its answer arrived:
//   (a) the arrival of the `invalidate` frame naming `stats` at every remote
//       socket (0 when the push beat the answer);
//   (b) a GET of `stats` on instance 2 and on instance 3, sent at once and
//       repeated until it counts the new todo: the time until the fresh
//       answer arrived (so it includes one GET's round trip), and how many
//       answers were stale (should be none: the shared cache is purged before
//       the mutation answers).
// A round whose pushes do not all arrive within 5 s, or whose GET stays stale
// for 5 s, fails the run. Prints "name value" lines.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [url1, url2, url3, cookie, csrf, socketsText, roundsText] = process.argv.slice(2);
const api = (url) => `${url.replace(/\/$/, '')}/api/mizan`;
const sockets = Number(socketsText);
const rounds = Number(roundsText);
if (!(sockets >= 2 && rounds >= 1)) throw new Error('usage: URL1 URL2 URL3 COOKIE CSRF SOCKETS ROUNDS');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${api(url).replace(/^http/, 'ws')}/ws/`, 'mizan.v1', { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function addTodo(title) {
  const res = await fetch(`${api(url1)}/call/add_todo/`, {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`add_todo: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

// The public stats context's todo count on one instance, and where it came from.
async function todoCount(url) {
  const res = await fetch(`${api(url)}/ctx/stats/`);
  const body = await res.json();
  if (res.status !== 200) throw new Error(`GET ctx/stats on ${url}: ${res.status} ${JSON.stringify(body)}`);
  const todos = body.public_stats?.todos;
  if (typeof todos !== 'number') throw new Error(`ctx/stats has no todo count: ${JSON.stringify(body)}`);
  return { todos, cache: res.headers.get('x-mizan-cache') };
}

// --- the sockets, half on instance 2, half on instance 3 ----------------------
const remote = [];
for (let i = 0; i < sockets; i += 50) {
  const batch = [];
  for (let j = i; j < Math.min(sockets, i + 50); ++j) batch.push(open(j % 2 === 0 ? url2 : url3));
  remote.push(...(await Promise.all(batch)));
}
let arrived = 0;
let armed = false;
const arrivals = new Float64Array(sockets);
remote.forEach((ws, i) =>
  ws.on('message', (data) => {
    if (!armed || arrivals[i] !== 0) return;
    const frame = JSON.parse(String(data));
    if (frame.op !== 'invalidate' || !frame.invalidate?.some((e) => e === 'stats' || e.startsWith('stats?'))) return;
    arrivals[i] = performance.now();
    ++arrived;
  }),
);
await sleep(500);

// The count before the first round: one mutation first, so that no cached
// value from before the sockets opened is read.
await addTodo('cluster delay warm-up');
let expected = (await todoCount(url1)).todos;

const each = []; // every socket's delay, every round
const last = []; // the last socket's delay, per round
const fresh = []; // the fresh GET's delay, per instance and round
let staleReads = 0;
const firstCache = new Map();
for (let r = 0; r < rounds; ++r) {
  arrivals.fill(0);
  arrived = 0;
  armed = true;
  await addTodo(`cluster delay ${r}`);
  const answered = performance.now();
  ++expected;
  // (b) at once, on both remote instances, until fresh.
  const reads = [url2, url3].map(async (url) => {
    for (let attempt = 0; ; ++attempt) {
      const { todos, cache } = await todoCount(url);
      if (attempt === 0) firstCache.set(cache, (firstCache.get(cache) ?? 0) + 1);
      if (todos >= expected) return performance.now() - answered;
      ++staleReads;
      if (performance.now() - answered > 5000) throw new Error(`round ${r}: ${url} still stale after 5 s`);
    }
  });
  fresh.push(...(await Promise.all(reads)));
  // (a) every remote socket's push.
  const deadline = answered + 5000;
  while (arrived < sockets && performance.now() < deadline) await sleep(1);
  armed = false;
  if (arrived < sockets) throw new Error(`round ${r}: ${sockets - arrived} sockets got no push in 5 s`);
  let slowest = 0;
  for (const t of arrivals) {
    const after = Math.max(0, t - answered);
    each.push(after);
    slowest = Math.max(slowest, after);
  }
  last.push(slowest);
  await sleep(10);
}

const show = (name, list) => {
  list.sort((a, b) => a - b);
  console.log(`${name}_p50_ms ${percentile(list, 50).toFixed(2)}`);
  console.log(`${name}_p99_ms ${percentile(list, 99).toFixed(2)}`);
  console.log(`${name}_max_ms ${list[list.length - 1].toFixed(2)}`);
};
show('socket_each', each);
show('socket_last', last);
show('fresh_get', fresh);
console.log(`stale_reads ${staleReads}`);
console.log(`first_get_cache ${[...firstCache].map(([k, v]) => `${k}:${v}`).join(',')}`);
console.log(`rounds ${rounds}`);
console.log(`sockets ${sockets}`);
for (const ws of remote) ws.terminate();
process.exit(0);
