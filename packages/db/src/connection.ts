import mongoose, { type Connection } from 'mongoose';

/**
 * One mongoose connection per process. Models are bound to this connection (not the global
 * mongoose), so tests can open several databases side by side.
 */
export async function connectMongo(uri: string, opts: { autoIndex: boolean }): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    autoIndex: opts.autoIndex,
    // FerretDB (tests) and MongoDB (production) both accept these; no retryable writes
    // because FerretDB v1 has no sessions or transactions.
    retryWrites: false,
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: 50,
    // Optional fields left undefined are omitted, not stored as null (matters for raw driver inserts).
    ignoreUndefined: true,
  });
  await connection.asPromise();
  return connection;
}

export async function pingMongo(connection: Connection, timeoutMs = 1000): Promise<boolean> {
  if (connection.readyState !== mongoose.ConnectionStates.connected || !connection.db) return false;
  try {
    await Promise.race([
      connection.db.command({ ping: 1 }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** Duplicate-key error. FerretDB does not always fill `keyValue`, so only the code is checked. */
export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
