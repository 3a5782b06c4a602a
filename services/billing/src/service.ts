import type { Logger } from '@ecar/logger';
import { startService, type RunningService } from '@ecar/runtime';
import { loadBillingConfig } from './config.ts';

/** The billing deployable: configuration, database with migrations, bus, health and metrics. */
export async function startBillingService(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningService> {
  const loaded = loadBillingConfig(env);
  return startService({
    service: 'billing',
    config: loaded.values,
    mode: loaded.mode,
    warnings: loaded.warnings,
    migrations: [],
    ...(logger ? { logger } : {}),
    setup() {},
  });
}
