import { defineConfig } from 'vite';

// The console is served by the API process at /console (see src/http/console.route.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 200 },
  logLevel: 'warn',
});
