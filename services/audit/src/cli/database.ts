import { loadConfig } from '@ecar/config';
import { createDataSource, type DataSource } from '@ecar/db';
import { auditConfigSpec } from '../config.ts';
import { chainHasher, type ChainHasher } from '../domain/chain.ts';

/** A connection to the audit database for operator commands (no migrations: the service owns the schema). */
export async function openAuditDatabase(env: NodeJS.ProcessEnv = process.env): Promise<DataSource> {
  const { values } = loadConfig('audit-cli', { DATABASE_URL: auditConfigSpec.DATABASE_URL }, env);
  const dataSource = createDataSource({ url: values.DATABASE_URL, migrations: [], applicationName: 'ecar-audit-cli', poolMax: 2 });
  await dataSource.initialize();
  return dataSource;
}

/** The chain's hasher from the environment: the same key (AUDIT_CHAIN_KEY) the service uses. */
export function auditChainHasher(env: NodeJS.ProcessEnv = process.env): ChainHasher {
  const { values } = loadConfig('audit-cli', { AUDIT_CHAIN_KEY: auditConfigSpec.AUDIT_CHAIN_KEY, AUDIT_CHAIN_PLAIN_THROUGH_SEQ: auditConfigSpec.AUDIT_CHAIN_PLAIN_THROUGH_SEQ }, env);
  return chainHasher(values.AUDIT_CHAIN_KEY, BigInt(values.AUDIT_CHAIN_PLAIN_THROUGH_SEQ));
}
