import { runMain } from '@ecar/runtime';
import { auditService } from './service.ts';

await runMain(auditService);
