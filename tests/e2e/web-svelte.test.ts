// examples/todo/web-svelte (Svelte 5) in Chromium against the real server;
// the scenario is shared with the other front ends (web-app.ts).
import { describeWebApp } from './web-app.js';

describeWebApp('svelte');
