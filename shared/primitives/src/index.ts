export { backoffDelay, type BackoffOptions } from './backoff.ts';
export { Semaphore, type SemaphoreOptions } from './semaphore.ts';
export { addDays, dayKey, instantAt, localDate, localDateString, nextDailyAt, type LocalDate } from './local-date.ts';
export { pageById, pageOf, rowsForPage, type Page } from './paging.ts';
export { PeriodicJob, type JobSchedule, type PeriodicJobOptions } from './periodic-job.ts';
export { canonicalJson } from './canonical-json.ts';
