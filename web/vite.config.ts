import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the console with hot reload and sends API calls to a running server.
const api = process.env.LLMOPS_API ?? 'http://127.0.0.1:5001';
const apiPrefixes = [
  '/auth',
  '/account',
  '/workspaces',
  '/invitations',
  '/apps',
  '/llm-models',
  '/datasets',
  '/conversations',
  '/analysis',
  '/upload-files',
  '/files',
  '/ai',
  '/web-apps',
  '/builtin-tools',
  '/api-tools',
  '/mcp-servers',
  '/workflow-tools',
  '/oauth',
  '/v1',
  '/ping',
  '/docs',
];

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: Object.fromEntries(apiPrefixes.map((prefix) => [prefix, { target: api, changeOrigin: false }])),
  },
});
