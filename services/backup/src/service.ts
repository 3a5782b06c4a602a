import type { Logger } from '@ecar/logger';
import { startService, type RunningService } from '@ecar/runtime';
import { loadBackupConfig } from './config.ts';

/** The backup deployable: configuration, database with migrations, bus, health and metrics. */
export async function startBackupService(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningService> {
  const loaded = loadBackupConfig(env);
  return startService({
    service: 'backup',
    config: loaded.values,
    mode: loaded.mode,
    warnings: loaded.warnings,
    migrations: [],
    ...(logger ? { logger } : {}),
    setup() {},
  });
}
