import { createClient } from '@mizan/base';
import { MizanProvider } from '@mizan/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import '../../web-shared/style.css';

// Same origin, session cookies and CSRF; `broadcast` shares invalidations and
// sign-in/out with the user's other tabs; `websocket` hears what other users
// and devices change (pushed invalidations, the activity channel).
const client = createClient({ broadcast: true, websocket: true });

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <MizanProvider client={client}>
      <App />
    </MizanProvider>
  </StrictMode>,
);
