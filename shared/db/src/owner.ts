import type { Logger } from '@ecar/logger';
import { createDataSource, connectWithRetry, runMigrationsLocked, type MigrationClass } from './index.ts';

/**
 * Table privileges the runtime role keeps where it must not have the default (SELECT, INSERT,
 * UPDATE, DELETE): e.g. `{ audit_events: ['SELECT', 'INSERT'] }` for an append-only log.
 */
export type RuntimePrivileges = Readonly<Record<string, readonly ('SELECT' | 'INSERT' | 'UPDATE' | 'DELETE')[]>>;

export interface OwnerMigrationOptions {
  /** The owner's URL: it creates and alters the schema; the services never run as it. */
  ownerUrl: string;
  /** The runtime role: the user of the service's DATABASE_URL. */
  runtimeUrl: string;
  migrations: MigrationClass[];
  restricted?: RuntimePrivileges;
  logger: Logger;
  applicationName?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function roleOf(url: string): string {
  const role = decodeURIComponent(new URL(url).username);
  if (!IDENTIFIER.test(role)) throw new Error(`database role "${role}" is not a plain identifier`);
  return role;
}

/**
 * The owner/runtime split (issue 12, finding 2): migrations run as the owner, then the runtime
 * role is granted data privileges only — never ownership, so it cannot ALTER a table, disable
 * its triggers or replace a function. Tables in `restricted` get exactly the privileges listed
 * (an append-only log: SELECT and INSERT); functions are executable (SECURITY DEFINER ones are
 * the only way to do what the role itself may not, e.g. the audit purge); a restricted table's
 * partitions get the same privileges as the table. Run at every start:
 * tables added by a new migration are covered at once.
 */
export async function migrateAsOwner(options: OwnerMigrationOptions): Promise<void> {
  // Two connections: the migration lock holds one while the migrations run on the other.
  const owner = createDataSource({ url: options.ownerUrl, migrations: options.migrations, poolMax: 2, applicationName: `${options.applicationName ?? 'ecar'}-migrations` });
  await connectWithRetry(owner, options.logger);
  try {
    const ownerRole = roleOf(options.ownerUrl);
    const runtime = roleOf(options.runtimeUrl);
    if (ownerRole === runtime) throw new Error('DATABASE_MIGRATION_URL must name another role than DATABASE_URL');
    await runMigrationsLocked(owner, options.logger, 'migrations applied as the schema owner');
    const statements = [
      `GRANT USAGE ON SCHEMA public TO ${runtime}`,
      `REVOKE CREATE ON SCHEMA public FROM ${runtime}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${runtime}`,
      `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${runtime}`,
      `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${runtime}`,
    ];
    await owner.transaction(async (db) => {
      for (const statement of statements) await db.query(statement);
      // A restricted table's partitions (at any depth) keep exactly its privileges: the grant on
      // ALL TABLES above covers them too, and a partition can be written directly.
      for (const [table, privileges] of Object.entries(options.restricted ?? {})) {
        if (!IDENTIFIER.test(table)) throw new Error(`table "${table}" is not a plain identifier`);
        const partitions: Array<{ name: string }> = await db.query(
          `WITH RECURSIVE tree AS (
             SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = to_regclass($1)
             UNION ALL SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.inhrelid
           ) SELECT quote_ident(c.relname) AS name FROM tree JOIN pg_class c ON c.oid = tree.inhrelid ORDER BY c.relname`,
          [`public.${table}`],
        );
        for (const name of [table, ...partitions.map((partition) => partition.name)]) {
          await db.query(`REVOKE ALL ON ${name} FROM ${runtime}`);
          if (privileges.length > 0) await db.query(`GRANT ${privileges.join(', ')} ON ${name} TO ${runtime}`);
        }
      }
    });
  } finally {
    await owner.destroy();
  }
}
