import { ADMIN, ADMIN_CUSTOMER } from '@ecar/contracts';
import { appointmentListQuery, createAppointmentBody, rescheduleBody } from '@ecar/contracts/requests/garage';
import { pageById, rowsForPage } from '@ecar/primitives';
import { route, type Route } from '@ecar/runtime';
import type { AppointmentService } from '../domain/appointments.ts';

export function appointmentRoutes(appointments: AppointmentService): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/appointments',
      roles: ADMIN_CUSTOMER,
      query: appointmentListQuery,
      summary: 'Appointments within reach, optionally between two instants',
      async handle({ caller, query }) {
        const rows = await appointments.list(caller, {
          ...(query.from ? { from: new Date(query.from) } : {}),
          ...(query.to ? { to: new Date(query.to) } : {}),
          ...(query.after ? { after: query.after } : {}),
          limit: rowsForPage(query.limit),
        });
        return pageById(rows, query.limit);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/appointments',
      roles: ADMIN_CUSTOMER,
      body: createAppointmentBody,
      success: 201,
      summary: 'Request a slot (refused when the slot is at capacity)',
      handle: ({ caller, body }) => appointments.request(caller, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/appointments/:id',
      roles: ADMIN_CUSTOMER,
      summary: 'One appointment',
      handle: ({ caller, params }) => appointments.get(caller, params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/appointments/:id/confirm',
      roles: ADMIN,
      summary: 'Confirm a requested appointment',
      handle: ({ caller, params }) => appointments.confirm(caller, params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/appointments/:id/reschedule',
      roles: ADMIN,
      body: rescheduleBody,
      summary: 'Move an appointment to another slot (capacity checked)',
      handle: ({ caller, params, body }) => appointments.reschedule(caller, params.id, body.slotStart),
    }),
    route({
      method: 'post',
      path: '/api/v1/appointments/:id/cancel',
      roles: ADMIN_CUSTOMER,
      summary: 'Cancel an appointment (the customer: their own)',
      handle: ({ caller, params }) => appointments.cancel(caller, params.id),
    }),
  ];
}
