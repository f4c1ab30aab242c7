import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './scratch-redis';
import { waitFor } from './wait-for';

const run = promisify(execFile);

/**
 * A real Redis Cluster of a test's own: `masters` redis-server processes (Debian's, cluster mode,
 * AOF) on free loopback ports, joined by `redis-cli --cluster create` with no replicas. Each node
 * has its own data directory under one temporary directory, removed by stop().
 */
export class ScratchRedisCluster {
  private readonly procs: ChildProcess[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'scratch-redis-cluster-'));

  private constructor(readonly ports: number[]) {}

  static async start(masters = 3): Promise<ScratchRedisCluster> {
    const ports: number[] = [];
    while (ports.length < masters) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const cluster = new ScratchRedisCluster(ports);
    try {
      await cluster.launch();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** The REDIS_URL of the cluster: every node as a seed. */
  get url(): string {
    return `redis-cluster://${this.ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  }

  private async launch(): Promise<void> {
    for (const [i, port] of this.ports.entries()) {
      // The cluster bus gets a free port of its own (port + 10000 may be taken or out of range).
      const busPort = await freePort();
      const dir = join(this.dir, `node-${i}`);
      mkdirSync(dir);
      const proc = spawn(
        'redis-server',
        [
          '--bind',
          '127.0.0.1',
          '--port',
          String(port),
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(busPort),
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '5000',
          '--dir',
          dir,
          '--appendonly',
          'yes',
          '--save',
          '',
        ],
        { stdio: 'ignore' },
      );
      this.procs.push(proc);
    }
    await Promise.all(this.ports.map((port, i) => waitFor(`cluster node on ${port}`, () => this.answers(port, i))));
    await run('redis-cli', ['--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Every node agrees that all 16384 slots are served before anyone connects.
    await waitFor(
      'cluster_state:ok on every node',
      async () => {
        for (const port of this.ports) {
          const info = await this.command(port, (r) => r.cluster('INFO'));
          if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return false;
        }
        return true;
      },
      { timeoutMs: 30_000 },
    );
  }

  private async answers(port: number, i: number): Promise<boolean> {
    const proc = this.procs[i]!;
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`redis-server on ${port} exited (port taken?)`);
    return (await this.command(port, (r) => r.ping()).catch(() => '')) === 'PONG';
  }

  private async command<T>(port: number, send: (r: Redis) => Promise<T>): Promise<T> {
    const probe = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return await send(probe);
    } finally {
      probe.disconnect();
    }
  }

  /** Kills every node (SIGKILL) and removes their data. */
  async stop(): Promise<void> {
    await Promise.all(
      this.procs.map(async (proc) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
