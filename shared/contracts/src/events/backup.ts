/** Events published by the backup service. */
export const backupEvents = {} as const;
