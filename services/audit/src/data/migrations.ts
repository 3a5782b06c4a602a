import { sqlMigration } from '@ecar/db';

export const auditMigrations = [
  sqlMigration('AuditInit1764201600000', [
    `CREATE TABLE audit_events (
       seq bigserial UNIQUE NOT NULL,
       event_id uuid PRIMARY KEY,
       type text NOT NULL,
       action text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'access', 'auth', 'admin', 'system')),
       producer text NOT NULL,
       actor_id text,
       actor_role text,
       actor_email text,
       actor_system text,
       remote_addr text,
       user_agent text,
       correlation_id text NOT NULL,
       subject_type text NOT NULL,
       subject_id text NOT NULL,
       subject_owner text,
       changes jsonb,
       data jsonb NOT NULL,
       occurred_at timestamptz NOT NULL,
       recorded_at timestamptz NOT NULL DEFAULT now(),
       payload text NOT NULL
     )`,
    `CREATE INDEX audit_events_actor ON audit_events (actor_id, seq)`,
    `CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id, seq)`,
    `CREATE INDEX audit_events_type ON audit_events (type, seq)`,
    `CREATE INDEX audit_events_occurred ON audit_events (occurred_at)`,
  ]),
];
