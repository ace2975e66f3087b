// Seeds the reference application for bench/run.sh and signs in the two
// benchmark users, the way a browser would (PROTOCOL.md §3).
//
// Usage: node seed.mjs http://127.0.0.1:PORT
// Prints "name value" lines: reader_cookie, reader_csrf, writer_cookie,
// writer_csrf. The reader owns exactly 20 todos (10 done); nine more users
// with 1 to 9 finished todos fill the leaderboard's default 10 rows; the
// writer starts empty and receives the add_todo load.
const base = `${process.argv[2].replace(/\/$/, '')}/api/mizan`;
const password = 'bench-password-1';

class browser {
  cookies = new Map();
  csrf = '';

  cookie_header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  absorb(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = res.headers.get('x-csrf-token');
    if (token) this.csrf = token;
  }

  async get(path) {
    const res = await fetch(`${base}/${path}`, { headers: { Cookie: this.cookie_header() } });
    this.absorb(res);
    const body = await res.json();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
    return { body, cache: res.headers.get('x-mizan-cache') };
  }

  async call(fn, args) {
    const res = await fetch(`${base}/call/${fn}/`, {
      method: 'POST',
      headers: {
        Cookie: this.cookie_header(),
        'Content-Type': 'application/json',
        'X-CSRF-Token': this.csrf,
      },
      body: JSON.stringify(args),
    });
    this.absorb(res);
    const body = await res.json();
    if (res.status !== 200) throw new Error(`${fn}: ${res.status} ${JSON.stringify(body)}`);
    return body.result;
  }

  async sign_up(username) {
    const { body } = await this.get('session/');
    this.csrf = body.csrf_token;
    await this.call('auth_signup', { username, password });
  }
}

async function user_with(username, todos, done) {
  const b = new browser();
  await b.sign_up(username);
  for (let i = 1; i <= todos; ++i) {
    const t = await b.call('add_todo', { title: `${username} todo ${i}` });
    if (i <= done) await b.call('toggle_todo', { id: t.id });
  }
  return b;
}

const reader = await user_with('bench_reader', 20, 10);
for (let k = 1; k <= 9; ++k) await user_with(`bench_user_${k}`, k, k);
const writer = await user_with('bench_writer', 0, 0);

// The rows must measure successful answers, not errors: check them once here.
const { body: mine } = await reader.get('ctx/todos/');
if (mine.list_todos?.length !== 20) throw new Error(`reader has ${mine.list_todos?.length} todos`);
await writer.get('ctx/leaderboard/');
const { body: board, cache } = await writer.get('ctx/leaderboard/');
if (board.leaderboard?.length !== 10 || cache !== 'hit') {
  throw new Error(`leaderboard: ${board.leaderboard?.length} rows, cache ${cache}`);
}

for (const [name, b] of [['reader', reader], ['writer', writer]]) {
  console.log(`${name}_cookie ${b.cookie_header()}`);
  console.log(`${name}_csrf ${b.csrf}`);
}
