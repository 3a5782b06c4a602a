import { sqlMigration } from '@ecar/db';

export const authMigrations = [
  sqlMigration('AuthInit1764201600000', [
    `CREATE TABLE users (
       id uuid PRIMARY KEY,
       email text NOT NULL,
       display_name text NOT NULL DEFAULT '',
       role text NOT NULL CHECK (role IN ('super-admin', 'technician', 'customer')),
       status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
       password_hash text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE UNIQUE INDEX users_email_unique ON users (lower(email))`,
    `CREATE TABLE sessions (
       id uuid PRIMARY KEY,
       user_id uuid NOT NULL REFERENCES users(id),
       client text NOT NULL CHECK (client IN ('web', 'mobile')),
       ip text NOT NULL,
       user_agent text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       expires_at timestamptz NOT NULL,
       revoked_at timestamptz,
       revoked_reason text
     )`,
    `CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL`,
    `CREATE TABLE refresh_tokens (
       token_hash bytea PRIMARY KEY,
       session_id uuid NOT NULL REFERENCES sessions(id),
       issued_at timestamptz NOT NULL DEFAULT now(),
       used_at timestamptz
     )`,
    `CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)`,
    `CREATE TABLE signing_keys (
       kid text PRIMARY KEY,
       algorithm text NOT NULL CHECK (algorithm = 'ES256'),
       public_jwk jsonb NOT NULL,
       private_key_sealed text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       retired_at timestamptz
     )`,
  ]),
  sqlMigration('AuthIdentity1764374400000', [
    `ALTER TABLE users
       ADD COLUMN email_verified_at timestamptz,
       ADD COLUMN mfa_secret_sealed text,
       ADD COLUMN mfa_pending_secret_sealed text,
       ADD COLUMN mfa_enabled_at timestamptz,
       ADD COLUMN mfa_last_time_step bigint,
       ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now()`,
    // Existing accounts were created by an admin or the bootstrap: their e-mail counts as verified.
    `UPDATE users SET email_verified_at = created_at`,
    `CREATE TABLE password_history (
       user_id uuid NOT NULL REFERENCES users(id),
       password_hash text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT clock_timestamp()
     )`,
    `CREATE INDEX password_history_user ON password_history (user_id, created_at DESC)`,
    `CREATE TABLE login_throttle (
       key text PRIMARY KEY,
       failures integer NOT NULL,
       last_failure_at timestamptz NOT NULL,
       locked_until timestamptz
     )`,
    `CREATE TABLE recovery_codes (
       code_hash bytea PRIMARY KEY,
       user_id uuid NOT NULL REFERENCES users(id),
       used_at timestamptz
     )`,
    `CREATE INDEX recovery_codes_user ON recovery_codes (user_id)`,
    `CREATE TABLE one_time_tokens (
       token_hash bytea PRIMARY KEY,
       purpose text NOT NULL CHECK (purpose IN ('mfa_challenge', 'email_verification', 'password_reset')),
       user_id uuid NOT NULL REFERENCES users(id),
       client text CHECK (client IN ('web', 'mobile')),
       created_at timestamptz NOT NULL DEFAULT now(),
       expires_at timestamptz NOT NULL,
       used_at timestamptz
     )`,
    `CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose)`,
    `CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL`,
    `ALTER TABLE sessions ADD COLUMN mfa boolean NOT NULL DEFAULT false`,
  ]),
  sqlMigration('AuthHardening1797700000000', [
    // A verification link made by a (re-)registration carries the password chosen with it, so the
    // link the mailbox owner follows sets the owner's password, not the one of whoever registered first.
    `ALTER TABLE one_time_tokens ADD COLUMN password_hash text`,
    // Account e-mails sent per address (SHA-256 of the lower-cased address), for the per-address limit shared by every replica.
    `CREATE TABLE account_mail_log (
       address_hash bytea NOT NULL,
       purpose text NOT NULL,
       sent_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX account_mail_log_address ON account_mail_log (address_hash, sent_at)`,
  ]),
  sqlMigration('AuthMfaEnrolmentCode1797800000000', [
    // The one-time code e-mailed when TOTP enrolment starts (finding 9 of issue 12): the password
    // alone no longer enrols an authenticator. One open code per user, stored hashed, with the
    // wrong attempts made against it.
    `CREATE TABLE mfa_enrolment_codes (
       user_id uuid PRIMARY KEY REFERENCES users(id),
       code_hash bytea NOT NULL,
       expires_at timestamptz NOT NULL,
       attempts integer NOT NULL DEFAULT 0
     )`,
  ]),
];
