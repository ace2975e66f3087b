import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// `npm run dev` serves the page on :5173 and sends /api to the server
// `./run.sh` started (MIZAN_BIND, default 127.0.0.1:8000).
const api = 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [svelte()],
  server: {
    proxy: {
      '/api': {
        target: api,
        ws: true,
        // The server accepts unsafe calls only from its own origin; through
        // the dev proxy the page and the API count as one.
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => req.setHeader('origin', api));
          proxy.on('proxyReqWs', (req) => req.setHeader('origin', api));
        },
      },
    },
  },
  build: { target: 'es2022' },
});
