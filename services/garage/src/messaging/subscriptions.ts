import type { Subscription } from '@ecar/runtime';
import type { GarageContext } from '../domain/garage.ts';
import { applyUserEvent } from './user-events.ts';

/** Every queue garage consumes. */
export function garageSubscriptions(garage: GarageContext): Subscription[] {
  return [
    {
      queue: 'garage.users',
      bindings: ['auth.user.created', 'auth.user.updated'],
      handle: (envelope, db) => applyUserEvent(garage, envelope, db),
    },
  ];
}
