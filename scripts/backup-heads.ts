// Prints the audit chain heads of the signed backup manifests (services/backup/src/cli/heads.ts), for
// services/audit/src/cli/check-heads.ts. Run: node --import tsx scripts/backup-heads.ts --dir /backups --verify-keys keys.pem
import { headsCommand } from '../services/backup/src/cli/heads.ts';

process.exitCode = await headsCommand(process.argv.slice(2), (line) => console.log(line), (line) => console.error(line));
