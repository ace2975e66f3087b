import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const source = (pkg: string) => fileURLToPath(new URL(`../../../packages/${pkg}/src/index.ts`, import.meta.url));
// `npm run dev` talks to a server started apart (scripts/run-todo.sh serves on 8000).
const api = process.env['MIZAN_DEV_API'] ?? 'http://127.0.0.1:8000';

export default defineConfig(({ mode, isSsrBuild }) => ({
  plugins: [svelte()],
  resolve: {
    // The workspace packages from source, so no package build is needed first.
    alias: { '@mizan/base': source('base'), '@mizan/svelte': source('svelte'), '@mizan/devtools': source('devtools') },
    dedupe: ['svelte'],
  },
  server: {
    proxy: {
      '/api': {
        target: api,
        ws: true, // the WebSocket at /api/mizan/ws/ too
        // The server accepts unsafe calls and WebSockets only from its own
        // origin; through the dev proxy the page and the API count as one.
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => req.setHeader('origin', api));
          proxy.on('proxyReqWs', (req) => req.setHeader('origin', api));
        },
      },
    },
  },
  build: { target: 'es2022' },
  // The server bundle (`vite build --ssr`) carries its dependencies, so
  // `node dist-server/entry-server.js` needs no node_modules beside it.
  ssr: { noExternal: true },
  // Vite leaves `process.env.NODE_ENV` to the runtime in a server bundle:
  // fixed here (to what the JSX transform and the plugins saw), a production
  // build carries no development code and needs no `process`.
  define: isSsrBuild ? { 'process.env.NODE_ENV': JSON.stringify(process.env['NODE_ENV'] || mode) } : {},
}));
