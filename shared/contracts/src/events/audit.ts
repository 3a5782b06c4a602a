/** Events published by the audit service. */
export const auditEvents = {} as const;
