import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildEvent, type Actor, type EventEnvelope } from '@ecar/contracts';
import { waitFor } from '@ecar/testkit';
import type { BreachReport } from '../../services/audit/src/domain/breach-report.ts';
import { startAuditHarness, type AuditHarness } from '../support/audit-harness.ts';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
let h: AuditHarness;
let out: string;

const compromised = randomUUID();
const bystander = randomUUID();
const customers = { a: randomUUID(), b: randomUUID(), c: randomUUID(), d: randomUUID(), e: randomUUID(), f: randomUUID(), g: randomUUID() };
const inWindow = (hours: number) => new Date(Date.parse('2026-11-20T08:00:00Z') + hours * 3600_000);

function accessed(actor: Actor, customerIds: string[], fields: string[], occurredAt: Date): EventEnvelope {
  return buildEvent({
    type: 'garage.customer.accessed',
    producer: 'garage',
    correlationId: `b-${randomUUID()}`,
    actor,
    subject: customerIds.length === 1 ? { type: 'customer', id: customerIds[0]! } : { type: 'customer-list', id: 'search' },
    data: { customerIds, fields, purpose: customerIds.length === 1 ? 'detail' : 'list' },
    occurredAt,
  }) as EventEnvelope;
}

function updated(actor: Actor, customerId: string, occurredAt: Date): EventEnvelope {
  return buildEvent({
    type: 'garage.customer.updated',
    producer: 'garage',
    correlationId: `b-${randomUUID()}`,
    actor,
    subject: { type: 'customer', id: customerId },
    data: { customerId, fields: ['phone', 'address'] } as never,
    changes: { phone: ['+216 20 000 001', '+216 20 000 002'], address: ['Tunis', 'Sousse'] },
    occurredAt,
  }) as EventEnvelope;
}

describe('operator commands: breach report (INC-3) and chain verification CLI', () => {
  before(async () => {
    h = await startAuditHarness('auditcli', { AUDIT_VERIFY_INTERVAL_MS: '250', AUDIT_FULL_VERIFY_INTERVAL_MS: '0' });
    out = await mkdtemp(join(tmpdir(), 'ecar-breach-'));
    const tech = { userId: compromised, role: 'technician', ip: '102.157.3.3' } as const;
    const other = { userId: bystander, role: 'technician', ip: '41.226.7.7' } as const;
    const events = [
      accessed(tech, [customers.a], ['name', 'phone', 'cin'], inWindow(1)),
      accessed(tech, [customers.b, customers.c], ['name', 'phone'], inWindow(2)),
      updated(tech, customers.d, inWindow(3)),
      accessed(tech, [customers.a], ['address'], inWindow(4)),
      accessed(other, [customers.e], ['name'], inWindow(2)),
      accessed(tech, [customers.f], ['name'], inWindow(-48)),
      accessed({ userId: bystander, role: 'technician', ip: '102.157.3.3' }, [customers.g], ['plate'], inWindow(5)),
    ];
    await h.publish(events);
    const last = events[events.length - 1]!;
    await waitFor(async () => ((await h.sql('SELECT 1 FROM audit_events WHERE event_id = $1', [last.id])).length ? true : undefined), { what: 'seeded events' });
  });
  after(async () => {
    await h?.stop();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('lists exactly the customers the compromised account read or changed in the window, with French and Arabic drafts', async () => {
    const dir = join(out, 'account');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/breach-report.ts', '--account', compromised, '--from', '2026-11-20T00:00:00Z', '--to', '2026-11-21T00:00:00Z', '--out', dir, '--garage', 'Garage Ben Salah'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: h.database.url } },
    );
    assert.match(stdout, /^4 affected customer\(s\)/);
    const report = JSON.parse(await readFile(join(dir, 'breach-report.json'), 'utf8')) as BreachReport;
    const affected = new Map(report.affectedCustomers.map((customer) => [customer.customerId, customer]));
    assert.deepEqual(new Set(affected.keys()), new Set([customers.a, customers.b, customers.c, customers.d]));
    assert.deepEqual(affected.get(customers.a)!.fields, ['address', 'cin', 'name', 'phone']);
    assert.equal(affected.get(customers.a)!.touches.length, 2);
    assert.equal(affected.get(customers.d)!.changed, true);
    assert.deepEqual(affected.get(customers.d)!.fields, ['address', 'phone']);
    assert.equal(affected.get(customers.b)!.read, true);

    const files = (await readdir(dir)).sort();
    assert.equal(files.length, 1 + 4 * 2);
    const fr = await readFile(join(dir, `${customers.a}.fr.txt`), 'utf8');
    const ar = await readFile(join(dir, `${customers.a}.ar.txt`), 'utf8');
    assert.match(fr, /numéro de téléphone/);
    assert.match(fr, /INPDP/);
    assert.match(fr, /Garage Ben Salah/);
    assert.match(ar, /رقم الهاتف/);
    assert.match(ar, /الهيئة الوطنية لحماية المعطيات الشخصية/);
    assert.ok(!fr.includes('+216'), 'drafts carry no personal data values from the log');
    const logged = await waitFor(async () => (await h.get('/api/v1/audit/events?type=audit.breach_report.generated')).body.items[0], { what: 'the report run in the log' });
    assert.equal(logged.data['account'], compromised);
    assert.equal(logged.data['affectedCustomers'], 4);
  });

  it('by IP address: everything done from that address, whoever the account', async () => {
    const dir = join(out, 'ip');
    await run(process.execPath, ['--import', 'tsx', 'scripts/breach-report.ts', '--ip', '102.157.3.3', '--from', '2026-11-20T00:00:00Z', '--to', '2026-11-21T00:00:00Z', '--out', dir], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: h.database.url },
    });
    const report = JSON.parse(await readFile(join(dir, 'breach-report.json'), 'utf8')) as BreachReport;
    assert.deepEqual(new Set(report.affectedCustomers.map((customer) => customer.customerId)), new Set([customers.a, customers.b, customers.c, customers.d, customers.g]));
  });

  it('refuses a report without an account or IP', async () => {
    await assert.rejects(
      run(process.execPath, ['--import', 'tsx', 'scripts/breach-report.ts', '--from', '2026-11-20T00:00:00Z', '--to', '2026-11-21T00:00:00Z', '--out', join(out, 'x')], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: h.database.url },
      }),
      /needs an account or an IP address/,
    );
  });

  it('the verification CLI exits 0 on a valid chain and 2, naming the row, on a tampered one; the scheduled check sets the metric and raises an alert', async () => {
    const chainValid = async () => /^ecar_audit_chain_valid\{[^}]*\} (\d)$/m.exec(await (await fetch(`${h.audit.url}/metrics`)).text())?.[1];
    await waitFor(async () => ((await chainValid()) === '1' ? true : undefined), { what: 'the scheduled verification to pass' });
    // The verified head leaves the database (issue 12, finding 2): seq and keyed hash, as the row holds them.
    const published = /^ecar_audit_chain_head\{[^}]*seq="(\d+)"[^}]*hash="([0-9a-f]+)"[^}]*\} 1$/m.exec(await (await fetch(`${h.audit.url}/metrics`)).text());
    assert.ok(published, 'ecar_audit_chain_head on /metrics');
    const [headRow] = await h.sql<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = $1', [published[1]]);
    assert.equal(headRow?.hash, published[2]);
    const env = { ...process.env, DATABASE_URL: h.database.url };
    const valid = await run(process.execPath, ['--import', 'tsx', 'services/audit/src/cli/verify.ts'], { cwd: ROOT, env });
    assert.equal(JSON.parse(valid.stdout).valid, true);
    const [row] = await h.sql<{ seq: string }>('SELECT seq::text FROM audit_events ORDER BY seq OFFSET 2 LIMIT 1');
    await h.sql('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await h.sql(`UPDATE audit_events SET occurred_at = occurred_at + interval '1 hour' WHERE seq = $1`, [row!.seq]);
    await h.sql('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    const broken = await run(process.execPath, ['--import', 'tsx', 'services/audit/src/cli/verify.ts'], { cwd: ROOT, env }).then(
      () => assert.fail('expected exit code 2'),
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal(broken.code, 2);
    assert.deepEqual(JSON.parse(broken.stdout).firstBreak.seq, row!.seq);

    await waitFor(async () => ((await chainValid()) === '0' ? true : undefined), { what: 'the scheduled verification to fail' });
    const alerts = await waitFor(async () => {
      const { body } = await h.get('/api/v1/audit/alerts?rule=chain_broken');
      return body.items.length ? body.items : undefined;
    }, { what: 'the chain_broken alert' });
    await h.audit.domain.verifyNow();
    await h.audit.domain.verifyNow();
    assert.equal((await h.get('/api/v1/audit/alerts?rule=chain_broken')).body.items.length, 1, 'one alert per break, not one per run');
    assert.equal(alerts[0]!.severity, 'critical');
    assert.equal(alerts[0]!.key, `seq:${row!.seq}`);
  });
});
