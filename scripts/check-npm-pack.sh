#!/usr/bin/env bash
# Proves that the npm packages (packages/base, react, vue, svelte, devtools) work for an
# application outside this tree, installed from their tarballs: builds and
# packs each, checks what each tarball holds (dist/*.js with their .d.ts, every
# file package.json points at, a README, no tests), then, in one temporary app
# per framework (outside this tree), installs the tarballs with the framework
# and TypeScript from the registry, type-checks a small file using the public
# API with a generated-style descriptor (strict, moduleResolution bundler and
# node16, the packages' .d.ts included), and imports the installed packages
# in Node. Framework and TypeScript versions are the ones this repository
# uses. Needs the npm registry; everything lives in a temporary directory,
# removed on exit. About 40 s with a warm npm cache, 70 s with a cold one.
#   scripts/check-npm-pack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
say() { echo "check-npm-pack: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
packages=(base react vue svelte devtools)
frameworks=(react vue svelte)

work=$(mktemp -d /tmp/mizan-npm-pack.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Build (base first: the adapters' declarations resolve @mizan/base through
# its dist) and pack.
mkdir "$work/tgz"
for p in "${packages[@]}"; do
  npm run build --workspace "packages/$p" >"$work/build-$p.log" 2>&1 ||
    { tail -n 30 "$work/build-$p.log" >&2; fail "npm run build --workspace packages/$p"; }
done
for p in "${packages[@]}"; do
  npm pack --workspace "packages/$p" --pack-destination "$work/tgz" >"$work/pack-$p.log" 2>&1 ||
    { tail -n 30 "$work/pack-$p.log" >&2; fail "npm pack --workspace packages/$p"; }
done

# What each tarball holds.
for p in "${packages[@]}"; do
  version=$(node -p "require('./packages/$p/package.json').version")
  tgz=$work/tgz/mizan-$p-$version.tgz
  [[ -f $tgz ]] || fail "npm pack wrote no $(basename "$tgz")"
  tar -tzf "$tgz" | sed 's|^package/||' | sort >"$work/list-$p"
  tar -xzOf "$tgz" package/package.json >"$work/package-$p.json"
  node - "$work/package-$p.json" "$work/list-$p" "@mizan/$p" <<'EOF' || fail "the tarball of packages/$p (above)"
const fs = require('fs');
const [pkgFile, listFile, name] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
const files = new Set(fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean));
const problems = [];
const js = [...files].filter((f) => /^dist\/.*\.js$/.test(f));
if (js.length === 0) problems.push('no dist/*.js');
for (const f of js) if (!files.has(f.replace(/\.js$/, '.d.ts'))) problems.push(`${f} without its .d.ts`);
// A module whose source is gone: a stale dist (the build does not empty it).
for (const f of js) if (!['.ts', '.tsx'].some((e) => files.has(f.replace(/^dist/, 'src').replace(/\.js$/, e)))) problems.push(`${f} has no source in src/ (stale dist?)`);
for (const f of files) if (/(^|\/)__tests__\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)vitest\.config|(^|\/)tsconfig/.test(f)) problems.push(`ships ${f}`);
if (![...files].some((f) => /^readme(\.md)?$/i.test(f))) problems.push('no README');
if (!pkg.license) problems.push('no "license"');
if (pkg.name !== name) problems.push(`name ${pkg.name}`);
// Every file package.json points at (exports, main, types, svelte) is packed.
const targets = [];
const walk = (v) => (typeof v === 'string' ? targets.push(v) : v && Object.values(v).forEach(walk));
walk(pkg.exports); walk(pkg.main); walk(pkg.types); walk(pkg.svelte);
for (const t of targets) if (!files.has(t.replace(/^\.\//, ''))) problems.push(`points at ${t}, not packed`);
const root = pkg.exports?.['.'];
if (!root?.types || !root?.default) problems.push('exports["."] lacks "types" or "default"');
else if (Object.keys(root)[0] !== 'types') problems.push('exports["."]: "types" is not the first condition');
if (name === '@mizan/svelte' && !root?.svelte) problems.push('exports["."] lacks the "svelte" condition');
for (const d of Object.keys(pkg.dependencies ?? {})) if (pkg.dependencies[d].startsWith('file:') || pkg.dependencies[d].startsWith('workspace:')) problems.push(`dependency ${d}: ${pkg.dependencies[d]}`);
if (problems.length) { console.error(`${name}: ${problems.join('; ')}`); process.exit(1); }
EOF
done
say "packed $(for p in "${packages[@]}"; do printf '%s (%s files) ' "@mizan/$p" "$(wc -l <"$work/list-$p")"; done)"

# The versions this repository uses: the example apps' frameworks, the root's TypeScript.
spec() { # package.json dependency
  node -p "const p = require('$repo/$1'); (p.dependencies ?? {})['$2'] ?? (p.devDependencies ?? {})['$2'] ?? ''"
}
ts_version=$(node -p "require('$repo/node_modules/typescript/package.json').version" 2>/dev/null || spec package.json typescript)
declare -A deps=(
  [react]="react@$(spec examples/todo/web-react/package.json react) react-dom@$(spec examples/todo/web-react/package.json react-dom) @types/react@$(spec examples/todo/web-react/package.json @types/react)"
  [vue]="vue@$(spec examples/todo/web-vue/package.json vue)"
  [svelte]="svelte@$(spec examples/todo/web-svelte/package.json svelte)"
)
# Other versions, e.g. the peer ranges' lower ends: CHECK_NPM_PACK_REACT='react@18
# react-dom@18 @types/react@18', CHECK_NPM_PACK_VUE=vue@3.3, CHECK_NPM_PACK_SVELTE=svelte@5.0.
deps[react]=${CHECK_NPM_PACK_REACT:-${deps[react]}}
deps[vue]=${CHECK_NPM_PACK_VUE:-${deps[vue]}}
deps[svelte]=${CHECK_NPM_PACK_SVELTE:-${deps[svelte]}}
for fw in "${frameworks[@]}"; do [[ ${deps[$fw]} != *@ && ${deps[$fw]} != *"@ "* ]] || fail "no $fw version in examples/todo/web-$fw/package.json"; done

# One application per framework, so that a dependency an adapter forgot to
# declare is not found hoisted from another's. Installed in parallel.
for fw in "${frameworks[@]}"; do
  app=$work/app-$fw
  mkdir -p "$app/src"
  printf '{ "name": "mizan-pack-check-%s", "version": "0.0.0", "private": true, "type": "module" }\n' "$fw" >"$app/package.json"
  # shellcheck disable=SC2086 # deps[$fw] is a list of package specs
  (cd "$app" && npm install --no-audit --no-fund --loglevel=error \
    "$work/tgz/mizan-base-"*.tgz "$work/tgz/mizan-$fw-"*.tgz "$work/tgz/mizan-devtools-"*.tgz ${deps[$fw]} "typescript@$ts_version" \
    >"$work/install-$fw.log" 2>&1) &
  pids+=($!)
done
for i in "${!frameworks[@]}"; do
  wait "${pids[$i]}" || { tail -n 30 "$work/install-${frameworks[$i]}.log" >&2; fail "npm install in the ${frameworks[$i]} app"; }
done
pids=()
say "installed from the tarballs with typescript@$ts_version, ${deps[*]}"

# The descriptors, as the generated index.ts writes them (tests/golden/todo).
api_ts=$(cat <<'EOF'
import type { ChannelRef, Client, ContextRef, FunctionRef } from '@mizan/base';

export interface Todo {
  id: number;
  title: string;
  done: boolean;
  created_at: string;
}

export type AddTodoArgs = {
  title: string;
};

export const add_todo: FunctionRef<AddTodoArgs, Todo> = {
  fn: 'add_todo',
  rules: {
    title: { required: true, max_length: 200 },
  },
};

export interface TodoData {
  get_todo: Todo;
}

export type TodoParams = {
  id: number;
};

export const todoContext: ContextRef<TodoData, TodoParams> = {
  context: 'todo',
  private: true,
  auth: true,
};

export interface TodosData {
  list_todos: Todo[];
}

export type TodosParams = Record<string, never>;

export const todosContext: ContextRef<TodosData, TodosParams> = {
  context: 'todos',
  private: true,
  auth: true,
};

export interface Activity {
  username: string;
  action: string;
}

export const activityChannel: ChannelRef<Activity> = { channel: 'activity' };

export function createApi(client: Client) {
  return {
    add_todo: (args: AddTodoArgs) => client.call(add_todo, args),
    fetchTodos: (params: TodosParams = {}) => client.load(todosContext, params),
  };
}
EOF
)
base_ts=$(cat <<'EOF'
import { MizanError, canonicalParams, createClient, createForm, validateField, type ContextState } from '@mizan/base';
import { add_todo, createApi, todoContext, type TodoData } from './api.js';

const client = createClient({ baseUrl: 'http://127.0.0.1:8000', staleTime: 1000 });
const api = createApi(client);
export async function titles(): Promise<string[]> {
  const todos = await api.fetchTodos();
  const added = await api.add_todo({ title: 'x' });
  return [...todos.list_todos.map((t) => t.title), added.title];
}
// @ts-expect-error title is a string: the descriptor's types reach the call
void api.add_todo({ title: 1 });
export const state: ContextState<TodoData> = client.observe(todoContext, { id: 1 }).getSnapshot();
export const title: string | undefined = state.status === 'success' ? state.data.get_todo.title : undefined;
export const key: string = canonicalParams({ id: 1, q: 'a b' });
export const errors: string[] = validateField({ required: true }, '');
export const form = createForm(client, add_todo);
export const isError = (e: unknown): boolean => e instanceof MizanError;
EOF
)
# @mizan/devtools, framework-free, in every app: the setup its README shows.
devtools_ts=$(cat <<'EOF'
import { createClient, type ClientOptions } from '@mizan/base';
import { createDevtools, type Devtools, type InvalidationRecord } from '@mizan/devtools';

const options: ClientOptions = { websocket: true };
const devtools: Devtools | undefined = createDevtools({ limit: 50 });
const client = createClient(devtools ? devtools.instrument(options) : options);
export const unmount: (() => void) | undefined = devtools?.mount(client, document.body);
export const sources: InvalidationRecord['source'][] = devtools?.recorder.invalidations.map((i) => i.source) ?? [];
EOF
)
declare -A adapter_ts
adapter_ts[react]=$(cat <<'EOF'
import { createClient } from '@mizan/base';
import { MizanProvider, useMizanChannel, useMizanClient, useMizanContext, useMizanForm, useMizanMutation } from '@mizan/react';
import type { ReactNode } from 'react';
import { activityChannel, add_todo, todoContext, todosContext } from './api.js';

function Todos(): ReactNode {
  useMizanClient();
  const todos = useMizanContext(todosContext, {}, { staleTime: 1000 });
  const one = useMizanContext(todoContext, { id: 1 });
  // @ts-expect-error id is a number
  useMizanContext(todoContext, { id: 'x' });
  const add = useMizanMutation(add_todo);
  const form = useMizanForm(add_todo);
  useMizanChannel(activityChannel, (m) => console.log(m.username));
  if (todos.status !== 'success') return null;
  return (
    <ul title={one.data?.get_todo.title ?? ''} data-form={form.status}>
      {todos.data.list_todos.map((t) => <li key={t.id}>{t.title}</li>)}
      <button disabled={add.pending} onClick={() => void add.mutate({ title: 'x' })} />
    </ul>
  );
}

export function App(): ReactNode {
  return <MizanProvider client={createClient()}><Todos /></MizanProvider>;
}
EOF
)
adapter_ts[vue]=$(cat <<'EOF'
import { createClient } from '@mizan/base';
import { createMizan, provideMizan, useMizanChannel, useMizanContext, useMizanForm, useMizanMutation } from '@mizan/vue';
import { createApp, defineComponent, h, ref } from 'vue';
import { activityChannel, add_todo, todoContext, todosContext } from './api.js';

const Todos = defineComponent({
  setup() {
    const id = ref(1);
    const todo = useMizanContext(todoContext, () => ({ id: id.value }));
    const todos = useMizanContext(todosContext, {});
    // @ts-expect-error id is a number
    useMizanContext(todoContext, { id: 'x' });
    const add = useMizanMutation(add_todo);
    const form = useMizanForm(add_todo);
    useMizanChannel(activityChannel, (m) => console.log(m.username));
    return () =>
      h('ul', { title: todo.data.value?.get_todo.title ?? '' }, [
        ...(todos.data.value?.list_todos ?? []).map((t) => h('li', { key: t.id }, t.title)),
        h('button', { disabled: add.pending.value || form.status.value === 'pending', onClick: () => void add.mutate({ title: 'x' }) }),
      ]);
  },
});
const Root = defineComponent({ setup: () => (provideMizan(createClient()), () => h(Todos)) });

export const app = createApp(Root).use(createMizan(createClient()));
EOF
)
adapter_ts[svelte]=$(cat <<'EOF'
import { createClient } from '@mizan/base';
import { createMizanChannel, createMizanContext, createMizanForm, createMizanMutation, getMizanClient, setMizanClient } from '@mizan/svelte';
import { activityChannel, add_todo, todoContext, todosContext } from './api.js';

// What a component's <script lang="ts"> would do.
export function init(id: () => number) {
  setMizanClient(createClient());
  getMizanClient();
  const todo = createMizanContext(todoContext, () => ({ id: id() }), { staleTime: 1000 });
  const todos = createMizanContext(todosContext);
  // @ts-expect-error id is a number
  createMizanContext(todoContext, () => ({ id: 'x' }));
  const add = createMizanMutation(add_todo);
  const form = createMizanForm(add_todo);
  createMizanChannel(activityChannel, (m) => console.log(m.username));
  const title: string | undefined = todo.data?.get_todo.title;
  const titles: string[] = todos.status === 'success' ? todos.data!.list_todos.map((t) => t.title) : [];
  return { title, titles, submit: () => add.mutate({ title: 'x' }), form };
}
EOF
)

tsconfig=$(cat <<'EOF'
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2022", "DOM", "DOM.Iterable"],
    "module": "ESNext",
    "moduleResolution": "bundler",
    "jsx": "react-jsx",
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "exactOptionalPropertyTypes": true,
    "verbatimModuleSyntax": true,
    "isolatedModules": true,
    "noEmit": true,
    "skipLibCheck": false,
    "types": []
  },
  "include": ["src"]
}
EOF
)

for fw in "${frameworks[@]}"; do
  app=$work/app-$fw
  ext=ts; [[ $fw == react ]] && ext=tsx
  printf '%s\n' "$api_ts" >"$app/src/api.ts"
  printf '%s\n' "$base_ts" >"$app/src/base.ts"
  printf '%s\n' "$devtools_ts" >"$app/src/devtools.ts"
  printf '%s\n' "${adapter_ts[$fw]}" >"$app/src/$fw.$ext"
  printf '%s\n' "$tsconfig" >"$app/tsconfig.json"
  printf '%s\n' '{ "extends": "./tsconfig.json", "compilerOptions": { "module": "node16", "moduleResolution": "node16" } }' \
    >"$app/tsconfig.node16.json"
  for config in tsconfig.json tsconfig.node16.json; do
    (cd "$app" && npx --no-install tsc -p "$config" >"$work/tsc.log" 2>&1) ||
      { head -n 40 "$work/tsc.log" >&2; fail "tsc -p $config in the $fw app (a file using @mizan/base and @mizan/$fw)"; }
  done
done
say "type-checked @mizan/base, @mizan/devtools and each adapter's API (strict; moduleResolution bundler and node16)"

# The runtime entries resolve in Node, from the installed packages: the
# kernel fetches a context through a stub fetch; the adapters' exports load.
# (@mizan/svelte's modules hold runes: they run only compiled by Svelte,
# which its "svelte" condition tells bundlers; here they are only imported.)
for fw in "${frameworks[@]}"; do
  (cd "$work/app-$fw" && node --input-type=module - "$fw" >"$work/node.log" 2>&1) <<'EOF' ||
import { canonicalParams, createClient, validateField } from '@mizan/base';
const fw = process.argv[2];
const check = (ok, what) => { if (!ok) throw new Error(what); };
check(canonicalParams({ q: 'a b', id: 5, done: true, x: null }) === 'done=true&id=5&q=a%20b', 'canonicalParams');
check(validateField({ required: true }, '').length === 1, 'validateField');
const urls = [];
const fetch = async (url) => {
  urls.push(url);
  return new Response('{"list_todos":[]}', { headers: { 'Content-Type': 'application/json' } });
};
const client = createClient({ baseUrl: 'http://127.0.0.1:1', fetch, broadcast: false, refetchOnFocus: false, refetchOnReconnect: false });
const data = await client.load('todos', {});
check(Array.isArray(data.list_todos) && urls.length === 1 && urls[0].includes('/api/mizan/ctx/todos/'), `load: ${JSON.stringify(data)} ${urls}`);
client.destroy();
const adapter = await import(`@mizan/${fw}`);
const names = { react: 'MizanProvider useMizanContext', vue: 'createMizan useMizanContext', svelte: 'setMizanClient createMizanContext' }[fw];
for (const n of names.split(' ')) check(typeof adapter[n] === 'function', `@mizan/${fw} exports no ${n}`);
// The recorder needs no DOM: a client instrumented in Node records its invalidation.
const { createDevtools } = await import('@mizan/devtools');
const devtools = createDevtools();
const watched = createClient(devtools.instrument({ fetch, broadcast: false, refetchOnFocus: false, refetchOnReconnect: false }));
watched.invalidate(['todos']);
check(devtools.recorder.invalidations[0]?.source === 'app', '@mizan/devtools recorded no invalidation');
watched.destroy();
EOF
    { cat "$work/node.log" >&2; fail "Node could not use @mizan/base, @mizan/devtools and @mizan/$fw as installed in the $fw app"; }
done
say "OK: Node imported @mizan/base (a load through a stub fetch), @mizan/devtools (an invalidation recorded) and each adapter from the installed tarballs"
