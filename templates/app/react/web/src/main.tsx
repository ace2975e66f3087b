import { createClient } from '@mizan/base';
import { MizanProvider } from '@mizan/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './style.css';

// Same origin, session cookies and CSRF; `broadcast` shares invalidations
// and sign-in/out with the user's other tabs.
const client = createClient({ broadcast: true });

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <MizanProvider client={client}>
      <App />
    </MizanProvider>
  </StrictMode>,
);
