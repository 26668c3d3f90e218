import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

export default defineConfig({
  // The server serves the build at /app/ (apps/server/src/http/web-app.ts); every other path is the API's.
  base: '/app/',
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@': new URL('./src', import.meta.url).pathname } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // dist/.vite/manifest.json: which chunks each page needs, so the server can modulepreload the first
    // page's chunks from index.html (apps/server/src/http/web-app.ts).
    manifest: true,
  },
  server: {
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    // `npm run dev:web`: Vite serves /app/ with hot reload, everything else goes to the API server.
    proxy: { '^/(?!app(/|$))': { target: process.env.API_URL ?? 'http://localhost:3000' } },
  },
});
