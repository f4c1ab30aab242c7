import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A content-addressed store of scans and rendered page images: a file's name is the SHA-256 of
 * its bytes, so storing the same scan twice is one file and a name can never point at other bytes.
 * The local directory is the default backend; an S3-compatible bucket fits the same interface.
 */
export interface FileStore {
  /** Stores the bytes durably (they survive a crash once this resolves) and returns their SHA-256. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes stored under this SHA-256, or null when there are none. */
  get(sha256: string): Promise<Buffer | null>;
  has(sha256: string): Promise<boolean>;
  /** The size in bytes, or null. */
  size(sha256: string): Promise<number | null>;
  /** A read stream (for downloads), or null when there is no such file. */
  stream(sha256: string): Promise<ReadStream | null>;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isSha256(value: string): boolean {
  return SHA256.test(value);
}

/**
 * Files under `<root>/<aa>/<bb>/<sha256>`. A write goes to a temporary file in the same directory,
 * is fsynced, renamed into place, and the directory is fsynced: after put() resolves the file is
 * whole and durable, and a crash before that leaves at most a temporary file, never a half file
 * under a real name.
 */
export class LocalFileStore implements FileStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  pathOf(sha256: string): string {
    if (!isSha256(sha256)) throw new Error(`not a SHA-256: ${sha256.slice(0, 80)}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const sha = sha256Of(bytes);
    const path = this.pathOf(sha);
    if ((await this.size(sha)) === bytes.length) return sha; // same name, same length: the same bytes
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${sha}.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(tmp, 'wx', 0o640);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await fsyncDir(dir);
    return sha;
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!isSha256(sha256)) return null;
    try {
      return await readFile(this.pathOf(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null;
  }

  async size(sha256: string): Promise<number | null> {
    if (!isSha256(sha256)) return null;
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async stream(sha256: string): Promise<ReadStream | null> {
    if (!(await this.has(sha256))) return null;
    return createReadStream(this.pathOf(sha256));
  }
}

/** The rename is durable only once its directory entry is (POSIX); not possible on every platform. */
async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    /* directories cannot be fsynced on some platforms (Windows); the file itself was */
  } finally {
    await handle?.close();
  }
}
