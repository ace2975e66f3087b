// The page of panel.test.ts, bundled by esbuild: a client on the test's
// server, instrumented and with the panel mounted, observing a few contexts.
import { createClient, type Client } from '../../packages/base/src/index.js';
import { createDevtools } from '../../packages/devtools/src/index.js';

const devtools = createDevtools();
const client = createClient(devtools.instrument({ broadcast: true, websocket: true, retry: 0, refetchOnFocus: false }));
for (const context of ['todos', 'hostile', 'broken']) client.observe(context).subscribe(() => {});
client.observe('todo', { id: 5 }).subscribe(() => {});

const w = window as unknown as { client: Client; unmount: () => void };
w.client = client;
w.unmount = devtools.mount(client);
