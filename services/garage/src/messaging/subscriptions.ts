import { parseEventData } from '@ecar/contracts';
import type { Subscription } from '@ecar/runtime';
import type { GarageContext } from '../domain/garage.ts';
import { applyUserEvent } from './user-events.ts';

export const REPORT_REPLAY_QUEUE = 'garage.report-replays';

/** Every queue garage consumes. */
export function garageSubscriptions(garage: GarageContext): Subscription[] {
  return [
    {
      queue: 'garage.users',
      bindings: ['auth.user.created', 'auth.user.updated'],
      handle: (envelope, db) => applyUserEvent(garage, envelope, db),
    },
    {
      // billing's reports read model asks for garage's work-order history (domain/report-replay.ts).
      queue: REPORT_REPLAY_QUEUE,
      bindings: ['billing.reports.replay_requested'],
      async handle(envelope, db) {
        if (envelope.type !== 'billing.reports.replay_requested') return;
        await garage.useCases.reportReplay.accept(db, parseEventData('billing.reports.replay_requested', envelope.data).replayId);
      },
    },
  ];
}
