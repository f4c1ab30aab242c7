import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { fromHere, sharedAliases } from './vite.shared.ts';

/**
 * Three pages: the staff console (Preact, served at /console/), the customer chat page (plain
 * TypeScript, served at /chat) and the satisfaction survey (plain TypeScript, served at
 * /survey/:token). Hashed assets go to dist/assets (served at /assets/); public/
 * (the widget demo page) is copied as is. The widget loader is a separate classic-script build:
 * vite.widget.config.ts.
 */
export default defineConfig({
  root: fromHere('src'),
  base: '/',
  publicDir: fromHere('public'),
  plugins: [preact()],
  resolve: { alias: sharedAliases },
  build: {
    outDir: fromHere('dist'),
    emptyOutDir: true,
    target: 'es2020',
    // Vite's modulepreload polyfill would be inlined in the page; every supported browser has it.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: {
        console: fromHere('src/console/index.html'),
        chat: fromHere('src/chat/index.html'),
        survey: fromHere('src/survey/index.html'),
      },
    },
  },
  // `npm run -w @cg/console dev` against a gateway on :3000 (npm start).
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
