// The garage-chain dataset of issue 16 into ecar_scale_<name>_{garage,billing,audit}.
// Usage: node --import tsx scripts/seed/run.ts <small|medium|large> [--seed S] [--name N] [--drop]
// Re-running continues an interrupted run (per-database progress); --drop removes the databases.
import { seedGarageChain } from './garage-chain.ts';
import { SEED_PROFILES } from './profiles.ts';
import { createSeedDatabases, dropSeedDatabases, openSeedTargets, seedDatabaseNames } from './targets.ts';
import { adminQuery } from '@ecar/testkit';

const args = process.argv.slice(2);
const option = (flag: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
const profile = SEED_PROFILES[args[0] ?? ''];
if (!profile) {
  console.error(`usage: scripts/seed/run.ts <${Object.keys(SEED_PROFILES).join('|')}> [--seed S] [--name N] [--drop]`);
  process.exit(2);
}
const seed = option('--seed') ?? 'ecar-16';
const name = option('--name') ?? profile.name;
if (args.includes('--drop')) {
  await dropSeedDatabases(name);
  console.log(`dropped ${Object.values(seedDatabaseNames(name)).join(', ')}`);
  process.exit(0);
}

const urls = await createSeedDatabases(name);
const targets = await openSeedTargets(urls);
const started = Date.now();
try {
  // Wall time spent on each database's part of the chunks (where a run's time goes).
  const spent: Record<string, number> = {};
  let mark = Date.now();
  await seedGarageChain(targets, profile, seed, ({ database, chunk, chunks, resumed }) => {
    const now = Date.now();
    spent[database] = (spent[database] ?? 0) + (now - mark);
    mark = now;
    if (database !== 'audit') return;
    const width = 30;
    const filled = Math.round((chunk / chunks) * width);
    const elapsed = (Date.now() - started) / 1000;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${chunk}/${chunks} chunks ${resumed ? '(already there)' : ''} ${elapsed.toFixed(0)} s (${Object.entries(spent).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(0)} s`).join(', ')})`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
    else if (chunk === chunks || chunk % Math.max(1, Math.floor(chunks / 20)) === 0) console.log(line);
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.log(`profile ${profile.name}, seed ${seed}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const [service, database] of Object.entries(seedDatabaseNames(name))) {
    const size = await adminQuery(`SELECT pg_database_size($1)::bigint AS bytes`, [database]);
    console.log(`${database}: ${(Number(size.rows[0].bytes) / 1024 / 1024).toFixed(1)} MB`);
    const source = targets[service as keyof typeof targets] as { db: { query(sql: string): Promise<Array<{ relname: string }>> } };
    const tables: Array<{ relname: string }> = await source.db.query(`SELECT relname FROM pg_stat_user_tables ORDER BY relname`);
    const counts: string[] = [];
    for (const { relname } of tables) {
      const rows = (await source.db.query(`SELECT count(*)::text AS n FROM "${relname}"`)) as unknown as Array<{ n: string }>;
      if (rows[0]!.n !== '0') counts.push(`${relname} ${rows[0]!.n}`);
    }
    console.log(`  ${counts.join(', ')}`);
  }
} finally {
  await targets.close();
}
