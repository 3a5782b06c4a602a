import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { sampleEvent } from '../support/audit-samples.ts';
import { startAuditHarness, type AuditHarness } from '../support/audit-harness.ts';

let h: AuditHarness;

/** Publishes `count` events and waits until the chain holds `count` more rows; returns the new head seq. */
async function append(count: number): Promise<number> {
  const before = await h.storedCount();
  await h.publish(Array.from({ length: count }, () => sampleEvent('garage.customer.accessed')));
  await waitFor(async () => ((await h.storedCount()) >= before + count ? true : undefined), { timeoutMs: 20_000, what: `${before + count} audit rows` });
  const [head] = await h.sql<{ seq: string }>('SELECT max(seq)::text AS seq FROM audit_events');
  return Number(head!.seq);
}

/** What an owner who disables the trigger can do: change one stored column of one row. */
async function rewriteEmail(seq: number, email: string | null): Promise<void> {
  await h.sql('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
  try {
    await h.sql('UPDATE audit_events SET actor_email = $2 WHERE seq = $1', [seq, email]);
  } finally {
    await h.sql('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
  }
}

const emailOf = async (seq: number) => (await h.sql<{ actor_email: string | null }>('SELECT actor_email FROM audit_events WHERE seq = $1', [seq]))[0]!.actor_email;

describe('audit chain checkpoints: incremental verification from the last verified row', () => {
  before(async () => {
    h = await startAuditHarness('auditckpt');
  });
  after(async () => {
    await h?.stop();
  });

  it('the scheduled verification runs in full first, then from the checkpoint the full run left', async () => {
    await append(20);
    const first = await h.audit.domain.verifyNow();
    assert.equal(first.valid, true);
    assert.equal(first.mode, 'full', 'no full run yet: the whole chain');
    assert.equal(first.checkedRows, Number(first.headSeq));
    const [checkpoint] = await h.sql<{ through_seq: string; head_hash: string; mode: string }>('SELECT through_seq::text, head_hash, mode FROM audit_chain_checkpoints ORDER BY id DESC LIMIT 1');
    const [headRow] = await h.sql<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = $1', [first.headSeq]);
    assert.deepEqual(checkpoint, { through_seq: first.headSeq, head_hash: headRow!.hash, mode: 'full' });

    await append(7);
    const second = await h.audit.domain.verifyNow();
    assert.equal(second.valid, true);
    assert.equal(second.mode, 'incremental');
    assert.equal(second.startedFrom.seq, String(Number(first.headSeq) + 1));
    assert.equal(second.checkedRows, Number(second.headSeq) - Number(first.headSeq), 'only the rows appended since the checkpoint');
    assert.ok(second.checkedRows >= 7);
  });

  it('incremental verification finds a row changed after the checkpoint', async () => {
    await h.get('/api/v1/audit/verify');
    const [{ seq: checkpointSeq }] = (await h.sql<{ seq: string }>('SELECT max(through_seq)::text AS seq FROM audit_chain_checkpoints')) as [{ seq: string }];
    const head = await append(5);
    const changed = head - 2;
    const original = await emailOf(changed);
    await rewriteEmail(changed, 'someone-else@ecar.test');
    try {
      const result = await h.get('/api/v1/audit/verify?mode=incremental');
      assert.equal(result.status, 200);
      assert.equal(result.body.valid, false);
      assert.equal(result.body.mode, 'incremental');
      assert.equal(result.body.firstBreak?.seq, String(changed));
      assert.equal(result.body.firstBreak?.reason, 'hash_mismatch');
      assert.equal(result.body.startedFrom?.seq, String(Number(checkpointSeq) + 1));
      const [latest] = await h.sql<{ seq: string }>('SELECT max(through_seq)::text AS seq FROM audit_chain_checkpoints');
      assert.equal(latest!.seq, checkpointSeq, 'a run that finds a break leaves no checkpoint');
    } finally {
      await rewriteEmail(changed, original);
    }
    assert.equal((await h.get('/api/v1/audit/verify?mode=incremental')).body.valid, true, 'the row put back, the chain verifies again');
  });

  it('a row changed before the checkpoint is not seen by the incremental run; the full run finds it', async () => {
    await append(3);
    assert.equal((await h.get('/api/v1/audit/verify')).body.valid, true);
    const changed = 3;
    const original = await emailOf(changed);
    await rewriteEmail(changed, 'someone-else@ecar.test');
    try {
      const incremental = await h.get('/api/v1/audit/verify?mode=incremental');
      assert.equal(incremental.body.valid, true, 'the documented limit: only what came after the checkpoint is re-hashed');
      assert.ok(Number(incremental.body.startedFrom?.seq) > changed);
      const full = await h.get('/api/v1/audit/verify');
      assert.equal(full.body.mode, 'full');
      assert.equal(full.body.valid, false);
      assert.equal(full.body.firstBreak?.seq, String(changed));
      assert.equal(full.body.firstBreak?.reason, 'hash_mismatch');
    } finally {
      await rewriteEmail(changed, original);
    }
  });

  it('refuses a checkpoint not sealed with the chain key, and one whose row was changed', async () => {
    const head = await append(4);
    const [headRow] = await h.sql<{ hash: string; event_id: string }>('SELECT hash, event_id::text FROM audit_events WHERE seq = $1', [head]);
    // What someone who holds the database could write to skip verification of a rewritten tail.
    await h.sql(`INSERT INTO audit_chain_checkpoints (through_seq, head_hash, mode, checked_rows, verified_at, seal) VALUES ($1, $2, 'full', $1, now(), $3)`, [head, headRow!.hash, 'f'.repeat(64)]);
    const forged = await h.get('/api/v1/audit/verify?mode=incremental');
    assert.equal(forged.body.valid, false);
    assert.deepEqual(forged.body.firstBreak, { seq: String(head), reason: 'checkpoint_mismatch', eventId: headRow!.event_id });
    await assert.rejects(h.sql(`DELETE FROM audit_chain_checkpoints WHERE through_seq = $1`, [head]), /append-only/);
    await assert.rejects(h.sql(`UPDATE audit_chain_checkpoints SET seal = 'x'`), /append-only/);

    // A full run does not read checkpoints: it verifies everything and leaves a genuine one.
    assert.equal((await h.get('/api/v1/audit/verify')).body.valid, true);
    assert.equal((await h.get('/api/v1/audit/verify?mode=incremental')).body.valid, true);

    // The checkpointed row itself changed: its hash no longer matches what the checkpoint sealed.
    const [latest] = await h.sql<{ seq: string }>('SELECT through_seq::text AS seq FROM audit_chain_checkpoints ORDER BY id DESC LIMIT 1');
    const checkpointed = Number(latest!.seq);
    const original = await emailOf(checkpointed);
    await rewriteEmail(checkpointed, 'someone-else@ecar.test');
    try {
      const changed = await h.get('/api/v1/audit/verify?mode=incremental');
      assert.equal(changed.body.valid, false);
      assert.equal(changed.body.firstBreak?.reason, 'checkpoint_mismatch');
      assert.equal(changed.body.firstBreak?.seq, String(checkpointed));
    } finally {
      await rewriteEmail(checkpointed, original);
    }
  });

  it('answers 400 to an unknown verification mode', async () => {
    assert.equal((await h.get('/api/v1/audit/verify?mode=partial')).status, 400);
    assert.equal((await h.get('/api/v1/audit/verify?from=1')).status, 400);
  });
});
