import { createClient } from '@mizan/base';
import { mount } from 'svelte';
import App from './App.svelte';
import './style.css';

// Same origin, session cookies and CSRF; `broadcast` shares invalidations
// and sign-in/out with the user's other tabs.
const client = createClient({ broadcast: true });

mount(App, { target: document.getElementById('app')!, props: { client } });
