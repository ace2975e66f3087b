import { createClient, devWarnings } from '@mizan/base';
import { MizanProvider } from '@mizan/react';
import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { App } from './App';
import { pageOfLocation } from '../../web-shared/page';
import '../../web-shared/style.css';

// Same origin, session cookies and CSRF; `broadcast` shares invalidations and
// sign-in/out with the user's other tabs; `websocket` hears what other users
// and devices change (pushed invalidations, the activity channel). The client
// is seeded with the data the server rendered the page with
// (`window.__MIZAN_SSR_DATA__`), so hydrating fetches none of it again.
// In development, the server's missed-invalidation warnings reach the console.
const client = createClient({
  broadcast: true,
  websocket: true,
  ...(import.meta.env.DEV ? { fetch: devWarnings() } : {}),
});

const container = document.getElementById('app')!;
const app = (
  <StrictMode>
    <MizanProvider client={client}>
      <App page={pageOfLocation()} />
    </MizanProvider>
  </StrictMode>
);
// Server markup is an element; the document served without a renderer has
// none (only, at most, the `<!--app-html-->` placeholder).
if (container.firstElementChild) hydrateRoot(container, app);
else createRoot(container).render(app);
