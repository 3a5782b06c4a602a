import { PeriodicJob, type JobSchedule } from '@ecar/primitives';
import type { ServiceContext } from './context.ts';

/** Background work on a schedule, declared as data; the runtime starts it after the HTTP server and stops it first. */
export interface Job {
  name: string;
  /** `{ everyMs }` (0 disables the schedule) or `{ next: (now) => Date }`, e.g. `nextDailyAt`. */
  schedule: JobSchedule;
  run(): Promise<void>;
}

export function periodicJobOf(job: Job, context: ServiceContext): PeriodicJob {
  return new PeriodicJob({
    name: job.name,
    schedule: job.schedule,
    run: job.run,
    onError: (error, name) => context.logger.error('scheduled job failed', { job: name, error }),
  });
}
