import { createClient, devWarnings, reloadOnNavigation } from '@mizan/base';
import { createMizan } from '@mizan/vue';
import { createApp } from 'vue';
import App from './App.vue';
import { schemaHash } from './api';
import './style.css';

// Same origin, session cookies and CSRF; `broadcast` shares invalidations
// and sign-in/out with the user's other tabs. After a deploy that changes
// the server's schema, the next navigation loads the new code
// (`reloadOnNavigation`). In development, the server's missed-invalidation
// warnings reach the console.
const client = createClient({
  broadcast: true,
  schema: schemaHash,
  onSchemaChange: reloadOnNavigation(),
  ...(import.meta.env.DEV ? { fetch: devWarnings() } : {}),
});

createApp(App).use(createMizan(client)).mount('#app');
