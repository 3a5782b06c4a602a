import type { AppointmentService } from '../domain/appointments.ts';
import { ADMIN, ADMIN_CUSTOMER, bodyOf, emptyOk, idOf, page, queryOf, type GarageRoute } from './route.ts';
import { appointmentListQuery, createAppointmentBody, rescheduleBody } from './schemas.ts';

export function appointmentRoutes(appointments: AppointmentService): GarageRoute[] {
  return [
    {
      method: 'get',
      path: '/api/v1/appointments',
      roles: ADMIN_CUSTOMER,
      query: true,
      summary: 'Appointments within reach, optionally between two instants',
      async handle(req, res, caller) {
        const query = queryOf(appointmentListQuery, req);
        const rows = await appointments.list(caller, {
          ...(query.from ? { from: new Date(query.from) } : {}),
          ...(query.to ? { to: new Date(query.to) } : {}),
          ...(query.after ? { after: query.after } : {}),
          limit: query.limit + 1,
        });
        res.json(page(rows, query.limit, (row) => row));
      },
    },
    {
      method: 'post',
      path: '/api/v1/appointments',
      roles: ADMIN_CUSTOMER,
      summary: 'Request a slot (refused when the slot is at capacity)',
      async handle(req, res, caller) {
        const body = bodyOf(createAppointmentBody, req);
        res.status(201).json(await appointments.request(caller, body));
      },
    },
    {
      method: 'get',
      path: '/api/v1/appointments/:id',
      roles: ADMIN_CUSTOMER,
      summary: 'One appointment',
      async handle(req, res, caller) {
        res.json(await appointments.get(caller, idOf(req)));
      },
    },
    {
      method: 'post',
      path: '/api/v1/appointments/:id/confirm',
      roles: ADMIN,
      summary: 'Confirm a requested appointment',
      async handle(req, res, caller) {
        const id = idOf(req);
        emptyOk(req);
        res.json(await appointments.confirm(caller, id));
      },
    },
    {
      method: 'post',
      path: '/api/v1/appointments/:id/reschedule',
      roles: ADMIN,
      summary: 'Move an appointment to another slot (capacity checked)',
      async handle(req, res, caller) {
        const id = idOf(req);
        res.json(await appointments.reschedule(caller, id, bodyOf(rescheduleBody, req).slotStart));
      },
    },
    {
      method: 'post',
      path: '/api/v1/appointments/:id/cancel',
      roles: ADMIN_CUSTOMER,
      summary: 'Cancel an appointment (the customer: their own)',
      async handle(req, res, caller) {
        const id = idOf(req);
        emptyOk(req);
        res.json(await appointments.cancel(caller, id));
      },
    },
  ];
}
