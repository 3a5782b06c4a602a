// Re-encrypts every sealed field of the garage database under the current key of FIELD_KEYS
// (the last entry). Put the new key last in FIELD_KEYS, restart the service (new writes use it),
// then run this; keep the old key in FIELD_KEYS until this reports 0 rows left. It then seals
// names still in plaintext and recomputes the search terms (issue 15) of every row not indexed
// under the current key: run once after the GarageSearch upgrade, it is the search backfill.
// Usage: node --import tsx services/garage/src/cli/rotate-field-keys.ts [--batch-size=200]
import { SingleBar, Presets } from 'cli-progress';
import { createDataSource } from '@ecar/db';
import { loadGarageConfig } from '../config.ts';
import { FieldCipher } from '../data/field-cipher.ts';
import { countStaleRows, rotateFieldKeys } from '../data/key-rotation.ts';
import { countUnindexedRows, reindexSearch } from '../data/search-backfill.ts';

const batchArg = process.argv.find((arg) => arg.startsWith('--batch-size='));
const batchSize = batchArg ? Number(batchArg.split('=')[1]) : 200;
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
  process.stderr.write('--batch-size must be an integer between 1 and 10000\n');
  process.exit(2);
}

const { values: config } = loadGarageConfig(process.env);
const keyring = config.FIELD_KEYS;
const dataSource = createDataSource({ url: config.DATABASE_URL, migrations: [], applicationName: 'ecar-garage-rotate-keys', poolMax: 2 });
await dataSource.initialize();
const controller = new AbortController();
// Ctrl-C finishes the batch in flight and stops; running the command again resumes.
process.once('SIGINT', () => controller.abort());
try {
  const total = await countStaleRows(dataSource, keyring.currentKeyId);
  process.stdout.write(`rows to re-encrypt under key ${keyring.currentKeyId}: ${total}\n`);
  const bar = new SingleBar({ format: 'rotating [{bar}] {percentage}% | {value}/{total} rows | ETA {eta}s' }, Presets.shades_classic);
  bar.start(total, 0);
  const rotated = await rotateFieldKeys(dataSource, keyring, { batchSize, signal: controller.signal, onProgress: (rows) => bar.increment(rows) });
  bar.stop();
  const unindexed = await countUnindexedRows(dataSource, keyring.currentKeyId);
  process.stdout.write(`rows to (re)index for search under key ${keyring.currentKeyId}: ${unindexed}\n`);
  const indexBar = new SingleBar({ format: 'indexing [{bar}] {percentage}% | {value}/{total} rows | ETA {eta}s' }, Presets.shades_classic);
  indexBar.start(unindexed, 0);
  const cipher = new FieldCipher(keyring, config.BLIND_INDEX_KEY);
  const indexed = await reindexSearch(dataSource, cipher, { batchSize, signal: controller.signal, onProgress: (rows) => indexBar.increment(rows) });
  indexBar.stop();
  const left = (await countStaleRows(dataSource, keyring.currentKeyId)) + (await countUnindexedRows(dataSource, keyring.currentKeyId));
  process.stdout.write(`search terms (re)computed for ${indexed} rows\n`);
  process.stdout.write(`re-encrypted ${rotated} rows; ${left} rows left${left > 0 ? ' (run again to resume)' : ''}\n`);
  process.exitCode = left > 0 ? 1 : 0;
} finally {
  await dataSource.destroy();
}
