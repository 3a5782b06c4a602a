import { runMain } from '@ecar/runtime';
import { backupService } from './service.ts';

await runMain(backupService);
