import { sqlMigration } from '@ecar/db';

export const backupMigrations = [
  sqlMigration('BackupInit1764288000000', [
    `CREATE TABLE backup_runs (
       id text PRIMARY KEY,
       trigger text NOT NULL CHECK (trigger IN ('schedule', 'catch-up', 'manual')),
       requested_by text,
       status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
       started_at timestamptz NOT NULL DEFAULT now(),
       finished_at timestamptz,
       error text,
       size_bytes bigint,
       key_id text,
       files jsonb,
       local_status text NOT NULL DEFAULT 'none' CHECK (local_status IN ('none', 'stored', 'deleted')),
       upload_status text NOT NULL DEFAULT 'none' CHECK (upload_status IN ('none', 'disabled', 'pending', 'uploaded', 'deleted')),
       upload_attempts integer NOT NULL DEFAULT 0,
       upload_next_at timestamptz,
       upload_error text,
       uploaded_at timestamptz,
       verified_at timestamptz
     )`,
    // Two replicas cannot both record a running backup (the advisory lock is the first guard).
    `CREATE UNIQUE INDEX backup_runs_one_running ON backup_runs ((true)) WHERE status = 'running'`,
    `CREATE INDEX backup_runs_started ON backup_runs (started_at DESC)`,
    `CREATE INDEX backup_runs_upload_due ON backup_runs (upload_next_at) WHERE upload_status = 'pending'`,
    `CREATE TABLE backup_drills (
       id uuid PRIMARY KEY,
       backup_id text REFERENCES backup_runs (id),
       status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
       started_at timestamptz NOT NULL DEFAULT now(),
       finished_at timestamptz,
       error text,
       mismatches jsonb
     )`,
    `CREATE INDEX backup_drills_started ON backup_drills (started_at DESC)`,
  ]),
];
