import { createHash } from 'node:crypto';
import type { EntityManager } from '@ecar/db';

export type AccountMailPurpose = 'email_verification' | 'password_reset' | 'registration_notice' | 'mfa_enrolment';

function addressHash(email: string): Buffer {
  return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest();
}

/**
 * Records one account e-mail to `email` unless `limit` were already sent to it within the last
 * hour; true when the mail may go. The address is locked for the transaction, so concurrent
 * requests on any replica cannot both pass the limit.
 */
export async function claimAccountMail(db: EntityManager, email: string, purpose: AccountMailPurpose, limit: number): Promise<boolean> {
  const hash = addressHash(email);
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('ecar.auth.mail.' || encode($1, 'hex')))`, [hash]);
  const rows: Array<{ sent: number }> = await db.query(
    `SELECT count(*)::int AS sent FROM account_mail_log WHERE address_hash = $1 AND sent_at > now() - interval '1 hour'`,
    [hash],
  );
  if ((rows[0]?.sent ?? 0) >= limit) return false;
  await db.query(`DELETE FROM account_mail_log WHERE address_hash = $1 AND sent_at <= now() - interval '1 hour'`, [hash]);
  await db.query(`INSERT INTO account_mail_log (address_hash, purpose) VALUES ($1, $2)`, [hash, purpose]);
  return true;
}
