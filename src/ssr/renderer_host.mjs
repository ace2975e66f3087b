// Mizan's server-side rendering host: one persistent Node.js process of the
// server's renderer pool (src/ssr/renderer_pool.hpp). Plain ESM, no
// dependencies, Node 20. The server embeds this file and starts it as
//   node --max-old-space-size=<MiB> --input-type=module - <bundle>
// with this script on stdin.
//
// The wire (both directions): a 4-byte big-endian length, then that many bytes
// of UTF-8 JSON; at most 64 MiB. The channel has file descriptors of its own,
// so a stray console.log in the bundle corrupts nothing (stdout and stderr go
// to the server's log):
//   fd 3, server -> host: {"id":<n>,"input":<object>}
//   fd 4, host -> server: once {"ready":true} after the bundle imported and has
//         a render function; then per request {"id":<n>,"head":"...","body":"..."}
//         or {"id":<n>,"error":"<message>"}.
// The bundle exports render(input) => {head, body} (or a Promise of it) as a
// named export, as default.render, or as the default export. Requests are
// served one at a time, in order. EOF on fd 3 (the server is gone) exits 0; a
// failed import is printed to stderr and exits 1.
import fs from 'node:fs';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const REQUESTS = 3;
const REPLIES = 4;
const MAX_FRAME = 64 * 1024 * 1024;

function send(message) {
  let body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > MAX_FRAME && message.id !== undefined) {
    body = Buffer.from(JSON.stringify({ id: message.id, error: 'render output larger than 64 MiB' }));
  }
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  // Synchronous and blocking: one reply is never interleaved with another,
  // and a server that reads slowly holds the next request back.
  for (let off = 0; off < frame.length; ) off += fs.writeSync(REPLIES, frame, off, frame.length - off);
}

function findRender(mod) {
  if (typeof mod.render === 'function') return mod.render;
  const fallback = mod.default;
  if (fallback && typeof fallback.render === 'function') return fallback.render.bind(fallback);
  if (typeof fallback === 'function') return fallback;
  return null;
}

const bundle = process.argv[2];
let render;
try {
  if (!bundle) throw new Error('no bundle given');
  render = findRender(await import(pathToFileURL(bundle).href));
  if (!render) throw new Error(`${bundle} exports no render function`);
} catch (err) {
  console.error('mizan ssr host: cannot load the bundle:', err);
  process.exit(1);
}

async function handle(payload) {
  let request;
  try {
    request = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    // The server writes the id first, so it can be answered even when the
    // caller's input is not JSON.
    const id = /^\{"id":(\d+),/.exec(payload.toString('latin1', 0, 40));
    if (id) send({ id: Number(id[1]), error: `the input is not JSON: ${err.message}` });
    else console.error('mizan ssr host: unreadable request frame');
    return;
  }
  try {
    const page = await render(request.input);
    if (!page || typeof page.head !== 'string' || typeof page.body !== 'string') {
      throw new Error('render() must return {head, body} strings');
    }
    send({ id: request.id, head: page.head, body: page.body });
  } catch (err) {
    console.error(err);
    send({ id: request.id, error: err instanceof Error ? err.message : String(err) });
  }
}

// Frames read from fd 3 arrive split or merged; chunks are joined only once a
// whole frame is there.
let chunks = [];
let buffered = 0;
let queue = Promise.resolve();

function take(n) {
  const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
  chunks = all.length > n ? [all.subarray(n)] : [];
  buffered -= n;
  return all.subarray(0, n);
}

const input = new net.Socket({ fd: REQUESTS, readable: true, writable: false });
input.on('data', (chunk) => {
  chunks.push(chunk);
  buffered += chunk.length;
  while (buffered >= 4) {
    if (chunks[0].length < 4) chunks = [Buffer.concat(chunks, buffered)];
    const length = chunks[0].readUInt32BE(0);
    if (length > MAX_FRAME) {
      console.error('mizan ssr host: request frame larger than 64 MiB');
      process.exit(1);
    }
    if (buffered < 4 + length) break;
    const payload = take(4 + length).subarray(4);
    queue = queue.then(() => handle(payload));
  }
});
input.on('end', () => process.exit(0));
input.on('error', (err) => {
  console.error('mizan ssr host: request channel:', err);
  process.exit(1);
});

send({ ready: true });
