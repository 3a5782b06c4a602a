// Generates the backup key pair (services/backup/src/cli/keygen.ts). Run: node --import tsx scripts/backup-keygen.ts --out <dir>
import { keygenCommand } from '../services/backup/src/cli/keygen.ts';

process.exitCode = await keygenCommand(process.argv.slice(2), (line) => console.log(line));
