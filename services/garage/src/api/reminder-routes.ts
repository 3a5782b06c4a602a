import { ADMIN } from '@ecar/contracts';
import { dueSoonQuery } from '@ecar/contracts/requests/garage';
import { pageById, rowsForPage } from '@ecar/primitives';
import { route, type Route } from '@ecar/runtime';
import type { ReminderService } from '../domain/reminders.ts';
import { vehicleView } from './views.ts';

/** Reminders (issue 15): the super-admin's "due soon" list. The customer sees their due dates on their vehicles (`dues`). */
export function reminderRoutes(reminders: ReminderService): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/reminders/due-soon',
      roles: ADMIN,
      query: dueSoonQuery,
      summary: 'Vehicles with a service, visite technique, insurance or vignette due within `withinDays` days (or already due); id-ordered pages',
      async handle({ caller, query }) {
        const rows = await reminders.dueSoon(caller, { withinDays: query.withinDays, kind: query.kind, after: query.after, limit: rowsForPage(query.limit) });
        const today = reminders.today();
        return pageById(rows, query.limit, ({ customerName, ownerUserId: _owner, ...vehicle }) => ({ ...vehicleView(vehicle, today), customerName }));
      },
    }),
  ];
}
