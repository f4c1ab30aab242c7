import { fileURLToPath } from 'node:url';
import type { AliasOptions } from 'vite';

/** Absolute path of a file of this app. */
export const fromHere = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Shared code is bundled from its TypeScript sources: @cg/contracts (zod-free modules only
 * end up in the bundles: the package is marked sideEffects false), and two pure modules of
 * @cg/core, the permissions table and the case state machine (the rest of core is node-only), so
 * the console offers exactly the actions the server allows.
 */
export const sharedAliases: AliasOptions = [
  { find: /^@cg\/contracts$/, replacement: fromHere('../../packages/contracts/src/index.ts') },
  { find: /^@cg\/core\/permissions$/, replacement: fromHere('../../packages/core/src/auth/permissions.ts') },
  { find: /^@cg\/core\/case-state-machine$/, replacement: fromHere('../../packages/core/src/case-lifecycle/case-state-machine.ts') },
];
