/**
 * INC-3: who was affected by a compromised account or address, with notification drafts.
 *   DATABASE_URL=… node --import tsx scripts/breach-report.ts --account <userId> | --ip <address>
 *     --from 2026-11-01T00:00:00Z --to 2026-11-27T00:00:00Z --out ./breach-2026-11 [--garage "Garage Ben Salah"]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { newEvent } from '@ecar/contracts';
import { UnitOfWork } from '@ecar/runtime';
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
    const by = { system: 'audit-breach-report', correlationId: `breach-report-${randomUUID()}` };
    const data = {
      ...(values.account ? { account: values.account } : {}),
      ...(values.ip ? { ip: values.ip } : {}),
      from: report.query.from,
      to: report.query.to,
      affectedCustomers: report.affectedCustomers.length,
    };
    await new UnitOfWork(dataSource, 'audit').run(async () => ({
      result: undefined,
      events: [newEvent(by, 'audit.breach_report.generated', { type: 'breach-report', id: report.generatedAt }, data)],
    }));
    return { affectedCustomers: report.affectedCustomers.length, files };
  } finally {
    await dataSource.destroy();
  }
}
