import type { AccessTokenVerifier } from '@ecar/auth-client';
import type { AccountAdministration } from './accounts.ts';
import type { BootstrapResult } from './bootstrap.ts';
import type { LoginService } from './login.ts';
import type { Mailer } from './mailer.ts';
import type { MfaService } from './mfa.ts';
import type { SelfService } from './self-service.ts';
import type { SessionService } from './sessions.ts';
import type { TokenSigner } from './token-signer.ts';

/** What the auth service works with, built once at start (service.ts). */
export interface AuthContext {
  signer: TokenSigner;
  /** Verifies the tokens this service issued, with its own keys (no JWKS round trip). */
  verifier: AccessTokenVerifier;
  bootstrap: BootstrapResult;
  sessions: SessionService;
  login: LoginService;
  mfa: MfaService;
  self: SelfService;
  accounts: AccountAdministration;
  mailer: Mailer;
  cookies: { secure: boolean };
  accessTtlSeconds: number;
}
