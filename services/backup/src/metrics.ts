import { Counter, Gauge, type Registry } from 'prom-client';

/** Backup and drill metrics; infra/prometheus/alerts.yml alerts on the two timestamps. */
export function backupMetrics(registry: Registry) {
  return {
    lastSuccess: new Gauge({ name: 'ecar_backup_last_success_timestamp_seconds', help: 'End time of the newest successful backup', registers: [registry] }),
    lastDuration: new Gauge({ name: 'ecar_backup_last_duration_seconds', help: 'Duration of the newest successful backup', registers: [registry] }),
    lastSize: new Gauge({ name: 'ecar_backup_last_size_bytes', help: 'Encrypted size of the newest successful backup set', registers: [registry] }),
    runs: new Counter({ name: 'ecar_backup_runs_total', help: 'Backup runs by result', labelNames: ['result'] as const, registers: [registry] }),
    uploads: new Counter({ name: 'ecar_backup_uploads_total', help: 'SFTP upload attempts by result', labelNames: ['result'] as const, registers: [registry] }),
    uploadsPending: new Gauge({ name: 'ecar_backup_uploads_pending', help: 'Backup sets stored locally but not yet on the SFTP server', registers: [registry] }),
    drillLastSuccess: new Gauge({ name: 'ecar_restore_drill_last_success_timestamp_seconds', help: 'End time of the newest successful restore drill', registers: [registry] }),
    drillLastResult: new Gauge({ name: 'ecar_restore_drill_last_result', help: '1 when the newest restore drill succeeded, 0 when it failed', registers: [registry] }),
    drills: new Counter({ name: 'ecar_restore_drills_total', help: 'Restore drills by result', labelNames: ['result'] as const, registers: [registry] }),
  };
}

export type BackupMetrics = ReturnType<typeof backupMetrics>;
