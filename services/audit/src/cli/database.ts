import { loadConfig } from '@ecar/config';
import { createDataSource, type DataSource } from '@ecar/db';
import { auditConfigSpec } from '../config.ts';

/** A connection to the audit database for operator commands (no migrations: the service owns the schema). */
export async function openAuditDatabase(env: NodeJS.ProcessEnv = process.env): Promise<DataSource> {
  const { values } = loadConfig('audit-cli', { DATABASE_URL: auditConfigSpec.DATABASE_URL }, env);
  const dataSource = createDataSource({ url: values.DATABASE_URL, migrations: [], applicationName: 'ecar-audit-cli', poolMax: 2 });
  await dataSource.initialize();
  return dataSource;
}
