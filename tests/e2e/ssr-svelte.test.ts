// examples/todo/web-svelte (Svelte) rendered on the server and hydrated in Chromium;
// the scenario is shared with the other front ends (ssr-app.ts).
import { describeSsrApp } from './ssr-app.js';

describeSsrApp('svelte');
