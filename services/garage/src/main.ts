import { runMain } from '@ecar/runtime';
import { garageService } from './service.ts';

await runMain(garageService);
