import { createClient, devWarnings, reloadOnNavigation, type ClientOptions } from '@mizan/base';
import { createDevtools } from '@mizan/devtools';
import { createMizan } from '@mizan/vue';
import { createApp } from 'vue';
import App from './App.vue';
import { schemaHash } from './api';
import './style.css';

// Same origin, session cookies and CSRF; `broadcast` shares invalidations
// and sign-in/out with the user's other tabs; `websocket` hears what other
// users change (the server pushes each mutation's invalidations, so the
// public count follows everyone's notes). After a deploy that changes
// the server's schema, the next navigation loads the new code
// (`reloadOnNavigation`). In development, the server's missed-invalidation
// warnings reach the console, and the @mizan/devtools panel (the button in
// the bottom right corner) shows the cache, each invalidation and where it
// came from, requests and warnings; a production build drops both.
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

createApp(App).use(createMizan(client)).mount('#app');
