import type { Logger } from '@ecar/logger';
import { remoteVerifier, startService, type RunningService } from '@ecar/runtime';
import { auditRoutes } from './api/routes.ts';
import { loadAuditConfig } from './config.ts';
import { auditMigrations } from './data/migrations.ts';
import { auditConsumer } from './messaging/audit-consumer.ts';

export async function startAuditService(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningService> {
  const loaded = loadAuditConfig(env);
  return startService({
    service: 'audit',
    config: loaded.values,
    mode: loaded.mode,
    warnings: loaded.warnings,
    migrations: auditMigrations,
    ...(logger ? { logger } : {}),
    setup(app, context) {
      app.use(auditRoutes(context.dataSource, remoteVerifier(loaded.values)));
    },
    consumers: (context) => [auditConsumer(context)],
  });
}
