// A plain page over the Mizan protocol, with no framework: it fetches whole
// contexts, calls functions, and refetches what the server says is stale.
const api = '/api/mizan';
let csrf = '';
const shown = new Set(['leaderboard', 'stats']);

async function session() {
  const res = await fetch(`${api}/session/`, { credentials: 'same-origin' });
  const body = await res.json();
  csrf = body.csrf_token;
  return body.user;
}

async function call(fn, args = {}) {
  const res = await fetch(`${api}/call/${fn}/`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(args),
  });
  const token = res.headers.get('X-CSRF-Token');
  if (token) csrf = token;
  const body = await res.json();
  if (!res.ok) throw body.error;
  await refresh(body.invalidate.map((e) => (typeof e === 'string' ? e : e.context)));
  return body.result;
}

// `no-cache`: the browser revalidates its copy of a public context (cached
// 5 s) with the server, so a refetch after an invalidation is never stale.
async function context(name) {
  const res = await fetch(`${api}/ctx/${name}/`, { credentials: 'same-origin', cache: 'no-cache' });
  const body = await res.json();
  if (!res.ok) throw body.error;
  return body;
}

/** `1 user`, `2 users`. */
function count(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function showErrors(form, error) {
  form.querySelectorAll('.field-error').forEach((p) => {
    p.textContent = (error?.fields?.[p.dataset.field] ?? []).join(' ');
  });
  const general = form.querySelector('.form-error');
  if (general) general.textContent = error && !error.fields ? error.message : '';
}

const render = {
  async todos() {
    const { list_todos: todos, todo_stats: stats } = await context('todos');
    document.getElementById('stats').textContent = `${stats.done} of ${stats.total} done`;
    const list = document.getElementById('todos');
    list.replaceChildren(...todos.map((t) => {
      const li = document.createElement('li');
      li.className = t.done ? 'done' : '';
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: t.done });
      box.addEventListener('change', () => call('toggle_todo', { id: t.id }));
      const title = Object.assign(document.createElement('span'), { textContent: t.title });
      const del = Object.assign(document.createElement('button'), { textContent: 'Delete' });
      del.addEventListener('click', () => call('delete_todo', { id: t.id }));
      li.append(box, title, del);
      return li;
    }));
  },
  async leaderboard() {
    const { leaderboard: rows } = await context('leaderboard');
    document.getElementById('leaderboard').replaceChildren(...rows.map((r) =>
      Object.assign(document.createElement('li'), { textContent: `${r.username}: ${r.done}` })));
  },
  async stats() {
    const { public_stats: s } = await context('stats');
    document.getElementById('public-stats').textContent = `${count(s.users, 'user')}, ${count(s.todos, 'todo')}`;
  },
};

async function refresh(names) {
  await Promise.all(names.filter((n) => shown.has(n) && render[n]).map((n) => render[n]()));
}

async function showUser(user) {
  document.getElementById('signed-in').hidden = !user;
  document.getElementById('signed-out').hidden = !!user;
  if (user) {
    document.getElementById('username').textContent = user.username;
    shown.add('todos');
  } else {
    shown.delete('todos');
  }
  await refresh([...shown]);
}

document.getElementById('auth-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const data = Object.fromEntries(new FormData(form));
  try {
    const fn = event.submitter?.value === 'signup' ? 'auth_signup' : 'auth_login';
    const { user } = await call(fn, { username: data.username, password: data.password });
    showErrors(form, null);
    await showUser(user);
  } catch (error) {
    showErrors(form, error);
  }
});

document.getElementById('add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  try {
    await call('add_todo', { title: form.title.value });
    form.reset();
    showErrors(form, null);
  } catch (error) {
    showErrors(form, error);
  }
});

document.getElementById('logout').addEventListener('click', async () => {
  // Signed out, the todos are no longer shown: nothing to refetch (a 401).
  shown.delete('todos');
  await call('auth_logout');
  await showUser(null);
});

session().then(showUser);
