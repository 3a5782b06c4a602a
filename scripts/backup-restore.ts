// Restores from a backup set (services/backup/src/cli/restore.ts). Run: node --import tsx scripts/backup-restore.ts --help
import { restoreCommand } from '../services/backup/src/cli/restore.ts';

process.exitCode = await restoreCommand(process.argv.slice(2), (line) => console.log(line));
