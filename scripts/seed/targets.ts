import { outboxMigrations } from '@ecar/bus';
import { createDataSource, runMigrationsLocked, type DataSource, type MigrationClass } from '@ecar/db';
import { createLogger } from '@ecar/logger';
import { adminQuery, PG_ADMIN_URL } from '@ecar/testkit';
import { loadAuditConfig } from '../../services/audit/src/config.ts';
import { auditMigrations } from '../../services/audit/src/data/migrations.ts';
import { chainHasher } from '../../services/audit/src/domain/chain.ts';
import { loadBillingConfig } from '../../services/billing/src/config.ts';
import { billingMigrations } from '../../services/billing/src/data/migrations.ts';
import { teifMigrations } from '../../services/billing/src/data/teif-migrations.ts';
import { loadGarageConfig } from '../../services/garage/src/config.ts';
import { FieldCipher } from '../../services/garage/src/data/field-cipher.ts';
import { garageMigrations } from '../../services/garage/src/data/migrations.ts';
import type { SeedTargets } from './garage-chain.ts';

export const SEED_SERVICES = ['garage', 'billing', 'audit'] as const;
export type SeedService = (typeof SEED_SERVICES)[number];

/** The databases of one seeded dataset: `ecar_scale_<name>_<service>` (never the developers' `ecar_*`). */
export function seedDatabaseNames(name: string): Record<SeedService, string> {
  const safe = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return { garage: `ecar_scale_${safe}_garage`, billing: `ecar_scale_${safe}_billing`, audit: `ecar_scale_${safe}_audit` };
}

export function databaseUrl(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createSeedDatabases(name: string): Promise<Record<SeedService, string>> {
  const names = seedDatabaseNames(name);
  for (const database of Object.values(names)) {
    const exists = await adminQuery(`SELECT 1 FROM pg_database WHERE datname = $1`, [database]);
    if (exists.rowCount === 0) await adminQuery(`CREATE DATABASE ${database}`);
  }
  return { garage: databaseUrl(names.garage), billing: databaseUrl(names.billing), audit: databaseUrl(names.audit) };
}

export async function dropSeedDatabases(name: string): Promise<void> {
  for (const database of Object.values(seedDatabaseNames(name))) await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}

/** The service environment the seeded rows are keyed for: the same variables start the services on these databases. */
export function seedEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_ENV: process.env['NODE_ENV'] ?? 'development', LOG_LEVEL: 'error' };
}

const MIGRATIONS: Record<SeedService, MigrationClass[]> = {
  garage: [...outboxMigrations(), ...garageMigrations],
  billing: [...outboxMigrations(), ...billingMigrations, ...teifMigrations],
  audit: [...outboxMigrations(), ...auditMigrations],
};

export interface OpenTargets extends SeedTargets {
  close(): Promise<void>;
}

/**
 * Connects to the three databases, applies each service's migrations (as its runtime does at
 * start) and builds the ciphers, chain hasher and seller from the services' own configuration.
 */
export async function openSeedTargets(urls: Record<SeedService, string>, env: NodeJS.ProcessEnv = seedEnvironment()): Promise<OpenTargets> {
  const logger = createLogger({ service: 'seed', level: 'error' });
  const sources: Partial<Record<SeedService, DataSource>> = {};
  for (const service of SEED_SERVICES) {
    const source = createDataSource({ url: urls[service], migrations: MIGRATIONS[service], poolMax: 2, applicationName: `ecar-seed-${service}` });
    await source.initialize();
    await runMigrationsLocked(source, logger);
    sources[service] = source;
  }
  const garage = loadGarageConfig({ ...env, DATABASE_URL: urls.garage }).values;
  const billing = loadBillingConfig({ ...env, DATABASE_URL: urls.billing }).values;
  const audit = loadAuditConfig({ ...env, DATABASE_URL: urls.audit }).values;
  const issueDate = new Date().toLocaleDateString('en-CA', { timeZone: billing.BILLING_TIME_ZONE });
  return {
    garage: { db: sources.garage!, cipher: new FieldCipher(garage.FIELD_KEYS, garage.BLIND_INDEX_KEY) },
    billing: {
      db: sources.billing!,
      issueDate,
      seller: {
        name: billing.SELLER_NAME,
        address: billing.SELLER_ADDRESS,
        taxId: billing.SELLER_TAX_ID,
        tradeRegister: billing.SELLER_TRADE_REGISTER,
        ...(billing.SELLER_PHONE ? { phone: billing.SELLER_PHONE } : {}),
      },
    },
    audit: { db: sources.audit!, hash: chainHasher(audit.AUDIT_CHAIN_KEY, BigInt(audit.AUDIT_CHAIN_PLAIN_THROUGH_SEQ)) },
    async close() {
      await Promise.all(Object.values(sources).map((source) => source.destroy()));
    },
  };
}
