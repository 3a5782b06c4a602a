// Child process of bench/backup/scale.ts: the restore drill of one kept set, exactly as the service
// runs it (drillSet: decrypt, pg_restore into scratch databases, compare every table and the audit
// chain's end with the signed manifest, list the documents), timed per database, and this process's
// peak RSS, as JSON. Arguments: <keep dir> <set id> <admin URL of a CREATEDB role>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBackupPrivateKey } from '../../services/backup/src/crypto/key-wrap.ts';
import { loadVerificationKeys } from '../../services/backup/src/crypto/manifest.ts';
import { drillSet } from '../../services/backup/src/domain/restore-drill.ts';
import { openBackupSet } from '../../services/backup/src/storage/backup-reader.ts';

const [keep, id, adminUrl] = process.argv.slice(2) as [string, string, string];
const privateKey = loadBackupPrivateKey(readFileSync(join(keep, 'keys', 'backup-private.pem'), 'utf8'));
const verificationKeys = loadVerificationKeys(readFileSync(join(keep, 'keys', 'signing-public.pem'), 'utf8'));
const started = performance.now();
const set = await openBackupSet(join(keep, 'sets', id), privateKey, verificationKeys);
const result = await drillSet(set, adminUrl);
process.stdout.write(`${JSON.stringify({ totalMs: performance.now() - started, ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
process.exitCode = result.mismatches.length === 0 ? 0 : 1;
