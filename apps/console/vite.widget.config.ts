import { defineConfig } from 'vite';
import { fromHere, sharedAliases } from './vite.shared.ts';

/**
 * The embeddable loader: one classic script (IIFE, no module, no chunks) that other sites load
 * cross-origin with <script src=".../livechat/widget.js" async>. Runs after vite.config.ts (it
 * adds to dist/ without emptying it).
 */
export default defineConfig({
  publicDir: false,
  resolve: { alias: sharedAliases },
  build: {
    outDir: fromHere('dist/livechat'),
    emptyOutDir: false,
    target: 'es2017',
    lib: {
      entry: fromHere('src/widget/widget.ts'),
      formats: ['iife'],
      name: 'CGLivechatLoader',
      fileName: () => 'widget.js',
    },
  },
});
