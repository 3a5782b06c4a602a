import { z } from 'zod';
import { roleSchema } from '../envelope.ts';

/** Request schemas of the auth service (APP-1), shared with the browser app. Every object is strict. */

// No truncation: passwords up to the policy's maximum are hashed in full; longer is refused, not cut.
const password = z.string().min(1).max(1024);
const email = z.email().max(320);
const displayName = z.string().trim().min(1).max(200);
const client = z.enum(['web', 'mobile']).default('mobile');
const oneTimeToken = z.string().min(20).max(128);

export const loginBody = z.object({ email, password, client }).strict();
export const mfaLoginBody = z
  .object({ mfaToken: oneTimeToken, code: z.string().max(16).optional(), recoveryCode: z.string().max(32).optional() })
  .strict()
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), { message: 'Give either code or recoveryCode' });
export const refreshBody = z.object({ refreshToken: oneTimeToken.optional() }).strict();
export const passwordChangeBody = z.object({ currentPassword: password, newPassword: password }).strict();
export const registerBody = z.object({ email, password, displayName }).strict();
export const tokenBody = z.object({ token: oneTimeToken }).strict();
export const resetRequestBody = z.object({ email }).strict();
export const resetConfirmBody = z.object({ token: oneTimeToken, newPassword: password }).strict();
export const resendVerificationBody = z.object({ email }).strict();
export const codeBody = z.object({ code: z.string().max(16) }).strict();
/** TOTP enrolment: a code of the new authenticator and the one-time code e-mailed by setup (finding 9 of issue 12). */
export const totpEnrolmentBody = z.object({ code: z.string().max(16), emailCode: z.string().max(16) }).strict();

/** Accounts listed per page at most. */
export const MAX_USER_PAGE = 100;
/** Offset paging of the administration lists. */
const offsetPage = {
  limit: z.coerce.number().int().min(1).max(MAX_USER_PAGE).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
export const userListQuery = z
  .object({
    role: roleSchema.optional(),
    status: z.enum(['active', 'disabled']).optional(),
    ...offsetPage,
  })
  .strict();
/** Per-IP sign-in locks in force (offset paging like the accounts). */
export const signInLockListQuery = z.object(offsetPage).strict();
export const ipUnlockBody = z.object({ ip: z.union([z.ipv4(), z.ipv6()]) }).strict();
export const createUserBody = z.object({ email, displayName, role: roleSchema, password }).strict();
export const patchUserBody = z.object({ email: email.optional(), displayName: displayName.optional(), role: roleSchema.optional() }).strict();
