import { runMain } from '@ecar/runtime';
import { billingService } from './service.ts';

await runMain(billingService);
