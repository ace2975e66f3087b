import { createClient, devWarnings, reloadOnNavigation, type ClientOptions } from '@mizan/base';
import { createDevtools } from '@mizan/devtools';
import { hydrate, mount } from 'svelte';
import App from './App.svelte';
import { schemaHash } from './api';
import { pageOfLocation } from '../../web-shared/page';
import '../../web-shared/style.css';

// Same origin, session cookies and CSRF; `broadcast` shares invalidations and
// sign-in/out with the user's other tabs; `websocket` hears what other users
// and devices change (pushed invalidations, the activity channel). The client
// is seeded with the data the server rendered the page with
// (`window.__MIZAN_SSR_DATA__`), so hydrating fetches none of it again.
// After a deploy that changes the server's schema, the page stays as it is
// and the next navigation loads the new code (`reloadOnNavigation`).
// In development, the server's missed-invalidation warnings reach the console,
// and the @mizan/devtools panel (the button in the bottom right corner) shows
// the cache, each invalidation and its source, the WebSocket, requests and
// those warnings; a production build drops both.
const options: ClientOptions = {
  broadcast: true,
  websocket: true,
  schema: schemaHash,
  onSchemaChange: reloadOnNavigation(),
  ...(import.meta.env.DEV ? { fetch: devWarnings() } : {}),
};
const devtools = import.meta.env.DEV ? createDevtools() : undefined;
const client = createClient(devtools ? devtools.instrument(options) : options);
devtools?.mount(client);

// Server markup is an element; the document served without a renderer has
// none (only, at most, the `<!--app-html-->` placeholder).
const target = document.getElementById('app')!;
(target.firstElementChild ? hydrate : mount)(App, { target, props: { client, page: pageOfLocation() } });
