import { ADMIN, ADMIN_CUSTOMER } from '@ecar/contracts';
import { absenceBody, bayBody, freeSlotsQuery, patchBayBody, planningDayQuery, planningSettingsBody, replanningQuery, scheduleBody, workingHoursBody } from '@ecar/contracts/requests/garage';
import { pageById, rowsForPage } from '@ecar/primitives';
import { route, type Route } from '@ecar/runtime';
import type { PlanningService } from '../domain/planning.ts';

/** Planning (issue 14): bays, technicians' hours and absences, bookings on a technician and a bay, free slots. The super-admin's, except the free slots. */
export function planningRoutes(planning: PlanningService): Route[] {
  return [
    route({ method: 'get', path: '/api/v1/bays', roles: ADMIN, summary: 'The bays (ponts), in and out of service', handle: () => planning.listBays() }),
    route({ method: 'post', path: '/api/v1/bays', roles: ADMIN, body: bayBody, success: 201, summary: 'Add a bay (names are unique, any case)', handle: ({ caller, body }) => planning.createBay(caller, body) }),
    route({
      method: 'patch',
      path: '/api/v1/bays/:id',
      roles: ADMIN,
      body: patchBayBody,
      summary: 'Rename a bay or take it out of service (refused while it has upcoming bookings)',
      handle: ({ caller, params, body }) => planning.updateBay(caller, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/api/v1/bays/:id',
      roles: ADMIN,
      success: 204,
      summary: 'Delete a bay that was never booked (otherwise: take it out of service)',
      handle: ({ caller, params }) => planning.deleteBay(caller, params.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/technicians/:id/schedule',
      roles: ADMIN,
      summary: "A technician's weekly working hours (Tunis time) and absences",
      handle: ({ params }) => planning.technicianSchedule(params.id),
    }),
    route({
      method: 'put',
      path: '/api/v1/technicians/:id/hours',
      roles: ADMIN,
      body: workingHoursBody,
      summary: "Replace a technician's weekly working hours (weekday 1 = Monday, HH:MM in Tunis); 409 listing the bookings left outside them, unless replan: true flags them for re-planning",
      handle: ({ caller, params, body }) => planning.setHours(caller, params.id, body.hours, body.replan === true),
    }),
    route({
      method: 'post',
      path: '/api/v1/technicians/:id/absences',
      roles: ADMIN,
      body: absenceBody,
      success: 201,
      summary: 'Record an absence of a technician (from, to, reason); 409 listing the bookings it falls on, unless replan: true flags them for re-planning',
      handle: ({ caller, params, body }) => planning.addAbsence(caller, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/api/v1/technicians/:id/absences/:absenceId',
      roles: ADMIN,
      success: 204,
      summary: 'Remove an absence',
      handle: ({ caller, params }) => planning.removeAbsence(caller, params.id, params.absenceId),
    }),
    route({
      method: 'get',
      path: '/api/v1/planning/day',
      roles: ADMIN,
      query: planningDayQuery,
      summary: 'The planning board of one day in Tunis: bays, technicians at work and absent, bookings',
      handle: ({ query }) => planning.day(query.date),
    }),
    route({
      method: 'get',
      path: '/api/v1/planning/free-slots',
      roles: ADMIN_CUSTOMER,
      query: freeSlotsQuery,
      summary: 'Free slots for a duration between two instants, optionally on one technician or bay (customers: start and end only)',
      handle: ({ caller, query }) => planning.freeSlots(caller, query),
    }),
    route({
      method: 'get',
      path: '/api/v1/planning/replanning',
      roles: ADMIN,
      query: replanningQuery,
      summary: 'Bookings to re-plan: a change of their technician\'s hours or absences, made anyway, left them outside (with the RDV-/OR- reference and why); moving or cancelling one clears it',
      async handle({ query }) {
        return pageById(await planning.replanning({ ...(query.after ? { after: query.after } : {}), limit: rowsForPage(query.limit) }), query.limit);
      },
    }),
    route({ method: 'get', path: '/api/v1/planning/settings', roles: ADMIN, summary: 'How online booking finds room, and its duration', handle: () => planning.settings() }),
    route({
      method: 'put',
      path: '/api/v1/planning/settings',
      roles: ADMIN,
      body: planningSettingsBody,
      summary: "Online booking by the per-slot capacity or by the technicians' and bays' planning",
      handle: ({ caller, body }) => planning.saveSettings(caller, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/appointments/:id/schedule',
      roles: ADMIN,
      body: scheduleBody,
      summary: 'Book an appointment on a technician and a bay (409 on an overlap, outside hours or during an absence)',
      handle: ({ caller, params, body }) => planning.scheduleAppointment(caller, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/schedule',
      roles: ADMIN,
      body: scheduleBody,
      summary: 'Book a work order on a technician and a bay (assigns the technician; 409 on an overlap, outside hours or during an absence)',
      handle: ({ caller, params, body }) => planning.scheduleWorkOrder(caller, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/bookings/:id/cancel',
      roles: ADMIN,
      summary: 'Cancel a booking: the technician and the bay are free again',
      handle: ({ caller, params }) => planning.cancelBooking(caller, params.id),
    }),
  ];
}
