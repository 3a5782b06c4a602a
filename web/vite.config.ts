import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { firstLoad } from './build/first-load.ts';
import { mantineVariablesCss } from './build/mantine-variables.ts';
import { precompress } from './build/precompress.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const shell = firstLoad();

/**
 * Two shells of one app: /admin/ (super-admin back office) and /app/ (technicians and
 * customers). Shared code splits into common chunks under /assets/ (hashed, cached forever).
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react(), mantineVariablesCss(), shell.plugin, precompress(here('dist'))],
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Nothing inline: every script and stylesheet is a file the CSP's 'self' admits.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: { admin: here('admin/index.html'), app: here('app/index.html'), ...shell.inputs(here) },
      output: {
        // The boot chunks (src/shell/boot.ts): the static part of each shell's entry, free of React,
        // Mantine and i18next, so they run while the shell (a dynamic import) still downloads.
        codeSplitting: {
          groups: [
            { name: 'boot', priority: 2, test: /\/src\/shell\/(boot|screens|api\/url|i18n\/files|i18n\/languages)\.ts$|vite\/preload-helper/ },
            { name: 'admin-boot', priority: 1, test: /\/src\/admin\/(boot|screens)\.ts$/ },
            { name: 'app-boot', priority: 1, test: /\/src\/app\/(boot|screens)\.ts$/ },
            // What both shells' start.tsx import statically (React, Mantine's shell parts, i18next,
            // the router, sign-in, layout): one file, preloaded from the HTML (build/first-load.ts).
            { name: 'shell', priority: 0, tags: ['$initial'], test: shell.isShellModule },
          ],
        },
      },
    },
  },
});
