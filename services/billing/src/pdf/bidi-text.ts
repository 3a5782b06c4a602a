// Moved to @ecar/pdf (shared with garage's estimate PDF, issue #14).
export * from '@ecar/pdf';
