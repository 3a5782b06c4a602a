import { generate } from 'otplib';
import { waitFor } from '@ecar/testkit';
import { enrolmentCodeInMail, FakeSmtpServer } from './fake-smtp.ts';
import { call, type JsonResponse } from './stack.ts';

/** What a test remembers about one account's authenticator, like the phone app would. */
export interface Authenticator {
  secret?: string;
  periodSeconds: number;
  /** The last time step whose code was used: auth refuses it again (no replay). */
  lastStep: number;
  recoveryCodes: string[];
}

export function newAuthenticator(periodSeconds: number): Authenticator {
  return { periodSeconds, lastStep: -1, recoveryCodes: [] };
}

/**
 * A code of a time step not used yet (replay protection: waits for the next step when the current
 * one is spent), made early enough in its step: auth accepts one step of drift, so a code made with
 * at least min(period / 2, 1 s) of its step left stays valid for that plus one period — enough for a
 * slow page on a loaded machine to submit it (web stacks: 2 s steps, so at least 3 s).
 */
export async function nextCode(authenticator: Authenticator): Promise<string> {
  if (!authenticator.secret) throw new Error('authenticator not enrolled');
  const periodMs = authenticator.periodSeconds * 1000;
  const margin = Math.min(periodMs / 2, 1000);
  const sleep = () => new Promise((resolve) => setTimeout(resolve, 50));
  let step = Math.floor(Date.now() / periodMs);
  while (step <= authenticator.lastStep || (step + 1) * periodMs - Date.now() < margin) {
    await sleep();
    step = Math.floor(Date.now() / periodMs);
  }
  authenticator.lastStep = step;
  return generate({ secret: authenticator.secret, period: authenticator.periodSeconds, epoch: step * authenticator.periodSeconds });
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  login: JsonResponse;
}

/**
 * Signs in through the real flow: password, then TOTP when enrolled; a first sign-in of an
 * account that must enrol (super-admin) enrols it through the API and keeps the recovery codes.
 */
export async function signInWithMfa(
  gatewayUrl: string,
  credentials: { email: string; password: string },
  authenticator: Authenticator,
  headers: Record<string, string> = {},
): Promise<SignedIn> {
  const login = await call(gatewayUrl, '/api/v1/auth/login', { method: 'POST', json: { ...credentials, client: 'mobile' }, headers });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  if (login.body['status'] === 'mfa_required') {
    const step = await call(gatewayUrl, '/api/v1/auth/login/mfa', {
      method: 'POST',
      json: { mfaToken: login.body['mfaToken'], code: await nextCode(authenticator) },
      headers,
    });
    if (step.status !== 200) throw new Error(`MFA step failed: ${step.status} ${JSON.stringify(step.body)}`);
    return { accessToken: String(step.body['accessToken']), refreshToken: String(step.body['refreshToken']), login: step };
  }
  if (login.body['status'] === 'mfa_enrolment_required') {
    const verify = await enrolTotp(gatewayUrl, String(login.body['accessToken']), credentials.email, authenticator, headers);
    if (verify.status !== 200) throw new Error(`MFA enrolment failed: ${verify.status} ${JSON.stringify(verify.body)}`);
    return { accessToken: String(verify.body['accessToken']), refreshToken: String(verify.body['refreshToken']), login: verify };
  }
  return { accessToken: String(login.body['accessToken']), refreshToken: String(login.body['refreshToken']), login };
}

/** Gateway URL → the SMTP URL its auth sends to (a FakeSmtpServer of this process). */
const mailboxes = new Map<string, string>();

/** Tells the helpers where the auth behind `gatewayUrl` e-mails its codes (the stacks call it). */
export function useMailbox(gatewayUrl: string, smtpUrl: string): void {
  mailboxes.set(gatewayUrl, smtpUrl);
}

/** The catcher receiving the e-mails of the auth behind `gatewayUrl`. */
export function mailboxOf(gatewayUrl: string): FakeSmtpServer {
  const url = mailboxes.get(gatewayUrl);
  const smtp = url ? FakeSmtpServer.listening.get(url) : undefined;
  if (!smtp) throw new Error(`no fake SMTP mailbox registered for ${gatewayUrl} (tests/support/mfa.ts useMailbox)`);
  return smtp;
}

/** Waits for the enrolment mail to `email` arriving after the first `seen` messages to it; its code. */
export async function emailedEnrolmentCode(smtp: FakeSmtpServer, email: string, seen: number): Promise<string> {
  const mail = await waitFor(() => smtp.to(email)[seen], { what: `the MFA enrolment code mailed to ${email}` });
  return enrolmentCodeInMail(mail);
}

/**
 * TOTP enrolment through the API as a user does it (finding 9 of issue 12): setup, the one-time
 * code from the e-mail, then a code of the new authenticator; keeps the secret and the recovery
 * codes in `authenticator`. Answers the verify response.
 */
export async function enrolTotp(gatewayUrl: string, token: string, email: string, authenticator: Authenticator, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const smtp = mailboxOf(gatewayUrl);
  const seen = smtp.to(email).length;
  const setup = await call(gatewayUrl, '/api/v1/auth/mfa/totp/setup', { method: 'POST', token, headers });
  if (setup.status !== 200) throw new Error(`MFA setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  authenticator.secret = String(setup.body['secret']);
  const emailCode = await emailedEnrolmentCode(smtp, email, seen);
  const verify = await call(gatewayUrl, '/api/v1/auth/mfa/totp/verify', { method: 'POST', token, json: { code: await nextCode(authenticator), emailCode }, headers });
  if (verify.status === 200) authenticator.recoveryCodes = verify.body['recoveryCodes'] as string[];
  return verify;
}
