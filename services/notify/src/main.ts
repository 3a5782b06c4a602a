import { runMain } from '@ecar/runtime';
import { notifyService } from './service.ts';

await runMain(notifyService);
