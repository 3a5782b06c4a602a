// Runs a restore drill by hand (services/backup/src/cli/drill.ts). Run: node --import tsx scripts/backup-drill.ts --help
import { drillCommand } from '../services/backup/src/cli/drill.ts';

process.exitCode = await drillCommand(process.argv.slice(2), (line) => console.log(line));
