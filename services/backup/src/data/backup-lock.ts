import type { DataSource } from '@ecar/db';

/** Session advisory lock keys (any replica): one backup run at a time, one uploader at a time. */
export const LOCKS = { backup: 0x45434152_0007n, upload: 0x45434152_0008n, drill: 0x45434152_0009n } as const;

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes a cluster-wide lock on a dedicated connection, held for the whole run, or returns
 * undefined when another process holds it. The lock dies with the connection if the process does.
 */
export async function tryLock(dataSource: DataSource, key: bigint): Promise<HeldLock | undefined> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const rows: Array<{ locked: boolean }> = await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key.toString()]);
    if (!rows[0]?.locked) {
      await runner.release();
      return undefined;
    }
  } catch (error) {
    await runner.release();
    throw error;
  }
  return {
    async release() {
      try {
        await runner.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]);
      } finally {
        await runner.release();
      }
    },
  };
}
