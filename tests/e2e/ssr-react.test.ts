// examples/todo/web-react (React) rendered on the server and hydrated in Chromium;
// the scenario is shared with the other front ends (ssr-app.ts).
import { describeSsrApp } from './ssr-app.js';

describeSsrApp('react');
