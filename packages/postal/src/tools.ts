import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** An external tool failed, ran out of time or memory, or is not installed. */
export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly reason: 'timeout' | 'memory' | 'missing' | 'failed',
    message: string,
    readonly stderr = '',
  ) {
    super(message);
  }
}

export interface ToolLimits {
  /** Killed (SIGKILL) after this many milliseconds. */
  timeoutMs: number;
  /** Address-space limit in MiB (prlimit --as), when prlimit exists; 0 = none. */
  memoryMb?: number;
  /** Largest stdout kept, in bytes. */
  maxBuffer?: number;
  /** Bytes written to the tool's standard input. */
  input?: Buffer;
  env?: Record<string, string>;
}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));

/**
 * Runs a program with an argument list (never a shell string), a time limit and, where the
 * system has prlimit, a memory limit. Resolves stdout as bytes; rejects with a ToolError that
 * says which limit was hit.
 */
export function runTool(tool: string, args: readonly string[], limits: ToolLimits): Promise<Buffer> {
  const memoryMb = limits.memoryMb ?? 0;
  const [file, argv] = PRLIMIT && memoryMb > 0 ? [PRLIMIT, [`--as=${memoryMb * 1024 * 1024}`, '--', tool, ...args]] : [tool, [...args]];
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      file,
      argv,
      {
        encoding: 'buffer',
        timeout: limits.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: limits.maxBuffer ?? 64 * 1024 * 1024,
        windowsHide: true,
        // One thread per tesseract: pages run in parallel instead, which is faster on few cores.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', OMP_THREAD_LIMIT: '1', ...limits.env },
      },
      (err, stdout, stderr) => {
        if (!err) return resolvePromise(stdout);
        const text = stderr.toString('utf8').trim().slice(-2000);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: string | number | null };
        if (e.code === 'ENOENT') return reject(new ToolError(tool, 'missing', `${tool} is not installed`, text));
        if (e.killed && e.signal === 'SIGKILL') {
          return reject(new ToolError(tool, 'timeout', `${tool} took longer than ${limits.timeoutMs} ms and was stopped`, text));
        }
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return reject(new ToolError(tool, 'failed', `${tool} printed more than the output limit`, text));
        }
        if (memoryMb > 0 && /cannot allocate|out of memory|bad_alloc|std::bad_alloc|Memory allocation failed/i.test(text)) {
          return reject(new ToolError(tool, 'memory', `${tool} ran out of its ${memoryMb} MiB memory limit`, text));
        }
        if (e.signal === 'SIGSEGV' || e.signal === 'SIGABRT') {
          return reject(new ToolError(tool, memoryMb > 0 ? 'memory' : 'failed', `${tool} crashed (${e.signal})`, text));
        }
        reject(new ToolError(tool, 'failed', `${tool} failed: ${text.split('\n').at(-1) || `exit ${String(e.code)}`}`, text));
      },
    );
    // A tool that exits before reading all its input (bad language, killed at the limit) closes the
    // pipe: the EPIPE is that failure, already reported by the callback, never a crash of this process.
    child.stdin?.on('error', () => undefined);
    if (limits.input) child.stdin?.end(limits.input);
    else child.stdin?.end();
  });
}
