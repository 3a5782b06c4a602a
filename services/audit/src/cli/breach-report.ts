/**
 * INC-3: who was affected by a compromised account or address, with notification drafts.
 *   DATABASE_URL=… node --import tsx scripts/breach-report.ts --account <userId> | --ip <address>
 *     --from 2026-11-01T00:00:00Z --to 2026-11-27T00:00:00Z --out ./breach-2026-11 [--garage "Garage Ben Salah"]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { enqueueEvent } from '@ecar/bus';
import { buildEvent } from '@ecar/contracts';
import { breachReport, writeBreachReport } from '../domain/breach-report.ts';
import { openAuditDatabase } from './database.ts';

export interface BreachReportSummary {
  affectedCustomers: number;
  files: string[];
}

export async function runBreachReport(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<BreachReportSummary> {
  const { values } = parseArgs({
    args: argv,
    options: {
      account: { type: 'string' },
      ip: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      garage: { type: 'string' },
    },
    strict: true,
  });
  const from = new Date(values.from ?? '');
  const to = new Date(values.to ?? '');
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new RangeError('--from and --to must be ISO-8601 dates');
  if (!values.out) throw new RangeError('--out <directory> is required');
  const dataSource = await openAuditDatabase(env);
  try {
    const report = await breachReport(dataSource.manager, {
      ...(values.account ? { account: values.account } : {}),
      ...(values.ip ? { ip: values.ip } : {}),
      from,
      to,
    });
    const files = await writeBreachReport(report, values.out, values.garage ?? 'ECAR');
    // Looking up who was affected is itself on the record: the running service's relay publishes it.
    await dataSource.transaction((db) =>
      enqueueEvent(
        db,
        buildEvent({
          type: 'audit.breach_report.generated',
          producer: 'audit',
          correlationId: `breach-report-${randomUUID()}`,
          actor: { system: 'audit-breach-report' },
          subject: { type: 'breach-report', id: report.generatedAt },
          data: {
            ...(values.account ? { account: values.account } : {}),
            ...(values.ip ? { ip: values.ip } : {}),
            from: report.query.from,
            to: report.query.to,
            affectedCustomers: report.affectedCustomers.length,
          },
        }),
      ),
    );
    return { affectedCustomers: report.affectedCustomers.length, files };
  } finally {
    await dataSource.destroy();
  }
}
