import type { Logger } from '@ecar/logger';
import { startService, type RunningService } from '@ecar/runtime';
import { loadGarageConfig } from './config.ts';

/** The garage deployable: configuration, database with migrations, bus, health and metrics. */
export async function startGarageService(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningService> {
  const loaded = loadGarageConfig(env);
  return startService({
    service: 'garage',
    config: loaded.values,
    mode: loaded.mode,
    warnings: loaded.warnings,
    migrations: [],
    ...(logger ? { logger } : {}),
    setup() {},
  });
}
