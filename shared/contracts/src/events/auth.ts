import { z } from 'zod';

const email = z.string().max(320);
const role = z.string().max(32);

/** What consumers of `auth.user.*` (garage keeps customer profiles) need about a user. */
const userData = z
  .object({
    email,
    role,
    userId: z.uuid().optional(),
    displayName: z.string().max(200).optional(),
  })
  .strict();

/** Events published by the auth service. */
export const authEvents = {
  'auth.login.succeeded': {
    version: 1,
    data: z.object({ email, mfa: z.boolean(), method: z.enum(['password', 'totp', 'recovery_code']).optional() }).strict(),
  },
  'auth.login.failed': {
    version: 1,
    data: z
      .object({
        email,
        reason: z.enum(['unknown_user', 'bad_password', 'disabled', 'locked', 'mfa_failed', 'email_unverified']),
      })
      .strict(),
  },
  /** Failed attempts reached the threshold: `account_ip` locks one e-mail from one address, `ip` an address. */
  'auth.login.locked': {
    version: 1,
    data: z.object({ email: email.optional(), scope: z.enum(['account_ip', 'ip', 'mfa']), failures: z.number().int().min(0), until: z.iso.datetime({ offset: true }) }).strict(),
  },
  'auth.login.unlocked': {
    version: 1,
    // ip: the address of a per-IP lock an admin lifted.
    data: z.object({ email: email.optional(), scope: z.enum(['account_ip', 'ip', 'mfa']), ip: z.union([z.ipv4(), z.ipv6()]).optional(), reason: z.enum(['expired', 'admin']) }).strict(),
  },
  'auth.token.refreshed': {
    version: 1,
    data: z.object({ sessionId: z.uuid() }).strict(),
  },
  'auth.token.reuse_detected': {
    version: 1,
    data: z.object({ sessionId: z.uuid() }).strict(),
  },
  'auth.session.revoked': {
    version: 1,
    data: z.object({ sessionId: z.uuid(), reason: z.string().max(64) }).strict(),
  },
  'auth.password.changed': {
    version: 1,
    data: z.object({ via: z.enum(['self', 'reset', 'registration']) }).strict(),
  },
  'auth.password.reset_requested': {
    version: 1,
    data: z.object({ email }).strict(),
  },
  'auth.mfa.enrolled': {
    version: 1,
    data: z.object({ method: z.literal('totp'), recoveryCodes: z.number().int().min(0) }).strict(),
  },
  'auth.mfa.reset': {
    version: 1,
    data: z.object({ method: z.literal('totp') }).strict(),
  },
  'auth.mfa.recovery_code_used': {
    version: 1,
    data: z.object({ remaining: z.number().int().min(0) }).strict(),
  },
  'auth.user.created': {
    version: 1,
    data: userData,
  },
  'auth.user.updated': {
    version: 1,
    data: userData.extend({ status: z.enum(['active', 'disabled']).optional() }).strict(),
  },
  'auth.user.disabled': {
    version: 1,
    data: userData,
  },
  'auth.user.verified': {
    version: 1,
    data: userData,
  },
  'auth.signing_key.rotated': {
    version: 1,
    data: z.object({ kid: z.string().max(128) }).strict(),
  },
  /** A signing key withdrawn at once (compromised): every verifier refuses its tokens, cached ones too. */
  'auth.signing_key.revoked': {
    version: 1,
    data: z.object({ kid: z.string().max(128) }).strict(),
  },
  /** A verification link sent again: the address re-registered while unverified, or a re-send was asked. */
  'auth.email.verification_sent': {
    version: 1,
    data: z.object({ email, reason: z.enum(['re_registration', 'resend']) }).strict(),
  },
  /** An account e-mail not sent: the per-address hourly limit was reached (the answer did not change). */
  'auth.account_mail.limited': {
    version: 1,
    data: z.object({ email, purpose: z.enum(['email_verification', 'password_reset', 'registration_notice', 'mfa_enrolment']) }).strict(),
  },
} as const;
