import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderPage, sampleLetter } from '@cg/testing';

const run = promisify(execFile);
const CLI = join(__dirname, '../dist/main.js');

/** `npm run cli -- postal:ocr FILE`: no services, just the built CLI, tesseract and poppler. */
describe('npm run cli -- postal:ocr', () => {
  let dir: string;
  const letter = sampleLetter(5);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cg-postal-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints the recognised text with its diacritics, the confidence and the prefilled fields', async () => {
    const file = join(dir, 'letter.png');
    await writeFile(file, await renderPage(letter.pages[0]!.slice(8, 12), { dpi: 200, font: 'DejaVu Serif', heightInches: 2.5 }));
    const { stdout } = await run('node', [CLI, 'postal:ocr', file], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    expect(stdout).toMatch(/png, 1 page\(s\), mean confidence \d+(\.\d)?/);
    expect(stdout).toContain(`Tôi tên là ${letter.fields.senderName}`);
    expect(stdout).toContain(`Tên miền: ${letter.fields.domain}`);
    expect(stdout).toMatch(new RegExp(`senderName\\s+${letter.fields.senderName}`));

    const json = JSON.parse((await run('node', [CLI, 'postal:ocr', file, '--json'])).stdout) as {
      pages: { confidence: number }[];
      fields: Record<string, { value: string }>;
    };
    expect(json.pages[0]!.confidence).toBeGreaterThan(70);
    expect(json.fields.email?.value).toBe(letter.fields.email);
  });

  it('refuses a file that is not a scan, by content, with exit code 1', async () => {
    const file = join(dir, 'fake.pdf');
    await writeFile(file, 'not a pdf at all');
    const err = (await run('node', [CLI, 'postal:ocr', file]).catch((e: unknown) => e)) as { code: number; stdout: string };
    expect(err.code).toBe(1);
    expect(err.stdout).toContain('refused (unsupported_type)');
  });
});
