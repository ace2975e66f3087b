import { createClient, dehydrate, MizanError } from '@mizan/base';
import { mount } from '@vue/test-utils';
import { createSSRApp, defineComponent, h, nextTick, ref } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch } from '../../../base/src/__tests__/fakes.js';
import { createMizan, provideMizan } from '../mizanKey.js';
import { useMizanContext } from '../useMizanContext.js';
import { useMizanMutation } from '../useMizanMutation.js';
import { add_todo, todoContext, todosContext } from './api.js';
import { deferred, fail, json, setup, tick, todo } from './setup.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const byId = (url: string) => json({ get_todo: todo(Number(new URL(url, 'http://x').searchParams.get('id'))) });

describe('useMizanContext', () => {
  it('goes loading -> success', async () => {
    const { withSetup, count } = setup({ 'ctx/todos/': () => json({ list_todos: [todo(1)] }) });
    const { result } = withSetup(() => useMizanContext(todosContext, {}));
    expect(result.status.value).toBe('loading');
    expect(result.isFetching.value).toBe(true);
    await tick();
    expect(result.status.value).toBe('success');
    expect(result.isFetching.value).toBe(false);
    expect(result.data.value).toEqual({ list_todos: [todo(1)] });
    expect(count('ctx/todos/')).toBe(1);
  });

  it('sets isFetching during a refetch and keeps the data', async () => {
    const second = deferred<Response>();
    let n = 0;
    const { withSetup } = setup({ 'ctx/todos/': () => (++n == 1 ? json({ list_todos: [] }) : second.promise) });
    const { result } = withSetup(() => useMizanContext(todosContext, {}));
    await tick();
    const done = result.refetch();
    expect(result.isFetching.value).toBe(true);
    expect(result.status.value).toBe('success');
    expect(result.data.value).toEqual({ list_todos: [] });
    second.resolve(json({ list_todos: [todo(2)] }));
    expect(await done).toMatchObject({ status: 'success', isFetching: false });
    expect(result.data.value).toEqual({ list_todos: [todo(2)] });
  });

  it('shows an error as a value', async () => {
    const { withSetup } = setup({ 'ctx/todo/': () => fail(404, 'not_found') });
    const { result } = withSetup(() => useMizanContext(todoContext, { id: 9 }));
    await tick();
    expect(result.status.value).toBe('error');
    expect(result.error.value).toBeInstanceOf(MizanError);
    expect(result.error.value).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('switches instances when reactive params change, not when only the object does', async () => {
    const { withSetup, calls } = setup({ 'ctx/todo/': (c) => byId(c.url) });
    const id = ref(1);
    const other = ref({ id: 5 });
    const { result } = withSetup(() => ({
      getter: useMizanContext(todoContext, () => ({ id: id.value })),
      ref: useMizanContext(todoContext, other),
    }));
    await tick();
    expect(result.getter.data.value).toEqual({ get_todo: todo(1) });
    id.value = 2;
    await nextTick();
    expect(result.getter.status.value).toBe('loading');
    other.value = { id: 5 };
    await tick();
    expect(result.getter.data.value).toEqual({ get_todo: todo(2) });
    other.value = { id: 6 };
    await tick();
    expect(result.ref.data.value).toEqual({ get_todo: todo(6) });
    expect(calls.map((c) => c.url).sort()).toEqual(
      ['/api/mizan/ctx/todo/?id=1', '/api/mizan/ctx/todo/?id=2', '/api/mizan/ctx/todo/?id=5', '/api/mizan/ctx/todo/?id=6'],
    );
  });

  it('starts fetching when reactive options enable it', async () => {
    const { withSetup, count } = setup({ 'ctx/todo/': (c) => byId(c.url) });
    const enabled = ref(false);
    const { result } = withSetup(() => useMizanContext(todoContext, { id: 3 }, () => ({ enabled: enabled.value })));
    await tick();
    expect(result.status.value).toBe('idle');
    expect(count('ctx/todo/')).toBe(0);
    enabled.value = true;
    await tick();
    expect(result.data.value).toEqual({ get_todo: todo(3) });
  });

  it('refetches the mounted context when a mutation invalidates it', async () => {
    let n = 0;
    const reply = deferred<Response>();
    const { withSetup, count } = setup({
      'ctx/todos/': () => json({ list_todos: ++n == 1 ? [] : [todo(1, 'milk')] }),
      'call/add_todo/': () => reply.promise,
    });
    const { result } = withSetup(() => ({
      todos: useMizanContext(todosContext, {}),
      add: useMizanMutation(add_todo),
    }));
    await tick();
    const done = result.add.mutate({ title: 'milk' });
    expect(result.add.pending.value).toBe(true);
    expect(result.add.args.value).toEqual({ title: 'milk' });
    reply.resolve(json({ result: todo(1, 'milk'), invalidate: [{ context: 'todos' }] }));
    await done;
    expect(result.add.isSuccess.value).toBe(true);
    expect(result.add.pending.value).toBe(false);
    expect(result.add.data.value).toEqual(todo(1, 'milk'));
    await tick(10);
    expect(count('ctx/todos/')).toBe(2);
    expect(result.todos.data.value).toEqual({ list_todos: [todo(1, 'milk')] });
  });

  it('releases the entry when the component unmounts', async () => {
    const { withSetup, client, count } = setup({ 'ctx/todos/': () => json({ list_todos: [] }) });
    const { wrapper } = withSetup(() => useMizanContext(todosContext, {}));
    await tick();
    wrapper.unmount();
    client.invalidate([{ context: 'todos' }]);
    await tick(1000);
    expect(count('ctx/todos/')).toBe(1);
  });

  it('renders loaded data on the server, awaiting the fetch in onServerPrefetch', async () => {
    vi.useRealTimers();
    const net = fakeFetch({ 'ctx/todos/': () => json({ list_todos: [todo(1, 'milk')] }) });
    const client = createClient({ fetch: net.fetch });
    const Todos = defineComponent({
      setup() {
        const { data, status } = useMizanContext(todosContext, {});
        return () => h('p', status.value + ':' + (data.value?.list_todos.map((t) => t.title).join(',') ?? ''));
      },
    });
    const app = createSSRApp({ setup: () => (provideMizan(client), () => h(Todos)) });
    expect(await renderToString(app)).toBe('<p>success:milk</p>');
    expect(net.count('ctx/todos/')).toBe(1);
    expect(dehydrate(client)).toEqual({ todos: { list_todos: [todo(1, 'milk')] } });

    // The browser starts from the server's data without fetching it again.
    const browser = fakeFetch({});
    const hydrated = createClient({ fetch: browser.fetch, ssrData: dehydrate(client) });
    const wrapper = mount(Todos, { global: { plugins: [createMizan(hydrated)] } });
    expect(wrapper.text()).toBe('success:milk');
    await new Promise((r) => setTimeout(r, 20));
    expect(browser.calls).toHaveLength(0);
  });

  it('with serverPrefetch: false renders the seeded entries and the others as loading, fetching nothing', async () => {
    vi.useRealTimers();
    const net = fakeFetch({ 'ctx/todos/': () => json({ list_todos: [todo(1, 'milk')] }) });
    const seeded = { 'todo?id=1': { get_todo: todo(1, 'milk') } };
    const client = createClient({ fetch: net.fetch, ssrData: seeded, websocket: false, broadcast: false });
    const Page = defineComponent({
      setup() {
        const one = useMizanContext(todoContext, { id: 1 });
        const all = useMizanContext(todosContext, {});
        return () => h('p', `${one.status.value}:${one.data.value?.get_todo.title} ${all.status.value}`);
      },
    });
    const app = createSSRApp(Page).use(createMizan(client, { serverPrefetch: false }));
    // `todos` was not seeded (the server's load failed): loading, as the browser's first render.
    expect(await renderToString(app)).toBe('<p>success:milk loading</p>');
    expect(net.calls).toHaveLength(0);
  });
});
