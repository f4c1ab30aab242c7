import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WEB_APP_FILES, webAppsDir } from './web-apps';

describe('webAppsDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'web-apps-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a folder without the built pages, naming what is missing and how to build it', () => {
    expect(() => webAppsDir(dir)).toThrow(/console\/index\.html, chat\/index\.html, livechat\/widget\.js missing.*npm run build/);
  });

  it('accepts a folder with every page built', () => {
    for (const file of Object.values(WEB_APP_FILES)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), '');
    }
    expect(webAppsDir(dir)).toBe(dir);
  });
});
