import { createClient, devWarnings, reloadOnNavigation } from '@mizan/base';
import { MizanProvider } from '@mizan/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
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

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <MizanProvider client={client}>
      <App />
    </MizanProvider>
  </StrictMode>,
);
