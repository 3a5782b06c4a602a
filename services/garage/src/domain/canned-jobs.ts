import { randomUUID } from 'node:crypto';
import { newEvent, type Caller } from '@ecar/contracts';
import { conflict, notFound } from '@ecar/errors';
import { findCannedJob, listCannedJobs, saveCannedJob, type CannedJob } from '../data/canned-jobs.ts';
import { findPart } from '../data/parts.ts';
import { findWorkOrder, insertLine, type WorkOrderLine } from '../data/work-orders.ts';
import type { GarageContext } from './garage.ts';
import type { PartService } from './parts.ts';
import { linesEditable } from './work-order-states.ts';

export interface CannedJobInput {
  name: string;
  description?: string | undefined;
  make?: string | undefined;
  model?: string | undefined;
  labourHoursMilli: number;
  labourRateMillimes: number;
  labourVatRateBp?: number | undefined;
  parts: Array<{ partId: string; quantityMilli: number }>;
  serviceIntervalMonths?: number | undefined;
  serviceIntervalKm?: number | undefined;
}

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether a canned job fits a vehicle: any vehicle, or the same make (and model). */
export function fitsVehicle(job: Pick<CannedJob, 'make' | 'model'>, vehicle: { make: string; model: string }): boolean {
  return (!job.make || sameText(job.make, vehicle.make)) && (!job.model || sameText(job.model, vehicle.model));
}

/** Service packages (vidange, plaquettes avant…): labour hours × rate and catalogue parts, applied to a work order in one step. */
export class CannedJobService {
  constructor(
    private readonly garage: GarageContext,
    private readonly parts: PartService,
  ) {}

  /** Creates (no id) or replaces a canned job with its parts. */
  async save(caller: Caller, id: string | undefined, input: CannedJobInput): Promise<CannedJob> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = id ? await findCannedJob(db, id) : undefined;
      if (id && !before) throw notFound('Canned job not found');
      for (const item of input.parts) if (!(await findPart(db, item.partId))) throw notFound(`Part ${item.partId} not found`);
      const now = new Date();
      const job: CannedJob = {
        id: before?.id ?? randomUUID(),
        name: input.name,
        description: input.description ?? null,
        make: input.make ?? null,
        model: input.model ?? null,
        labourHoursMilli: input.labourHoursMilli,
        labourRateMillimes: input.labourRateMillimes,
        labourVatRateBp: input.labourVatRateBp ?? this.garage.settings.defaultVatRateBp,
        parts: input.parts,
        serviceIntervalMonths: input.serviceIntervalMonths ?? null,
        serviceIntervalKm: input.serviceIntervalKm ?? null,
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      };
      await saveCannedJob(db, job);
      const event = newEvent(caller, 'garage.cannedjob.saved', { type: 'canned-job', id: job.id }, { cannedJobId: job.id, name: job.name, created: !before });
      return { result: job, events: [event] };
    });
  }

  async get(id: string): Promise<CannedJob> {
    const job = await findCannedJob(this.garage.dataSource.manager, id);
    if (!job) throw notFound('Canned job not found');
    return job;
  }

  list(query: { make?: string; model?: string; after?: string; limit: number }): Promise<CannedJob[]> {
    return listCannedJobs(this.garage.dataSource.manager, query);
  }

  /** Adds the job's labour line and part lines to a work order, in one transaction; their parts are reserved when the customer approves the lines and taken when the work order completes. */
  async apply(caller: Caller, workOrderId: string, cannedJobId: string, location = 'main') {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await findWorkOrder(db, caller, workOrderId, true);
      if (!order) throw notFound('Work order not found');
      if (!linesEditable(order.status)) throw conflict(`Lines cannot be added to a ${order.status} work order`);
      const job = await findCannedJob(db, cannedJobId);
      if (!job) throw notFound('Canned job not found');
      const vehicle = await this.garage.vehicles.findById(db, order.vehicleId);
      if (vehicle && !fitsVehicle(job, vehicle)) throw conflict(`This canned job is for ${[job.make, job.model].filter(Boolean).join(' ')}, not this ${vehicle.make} ${vehicle.model}`);
      const lines: WorkOrderLine[] = [];
      const events = [];
      if (job.labourHoursMilli > 0) {
        const labour = this.garage.useCases.estimates.newLine(order, caller, {
          kind: 'labour',
          description: job.name,
          quantityMilli: job.labourHoursMilli,
          unitPriceMillimes: job.labourRateMillimes,
          vatRateBp: job.labourVatRateBp,
        });
        await insertLine(db, labour);
        lines.push(labour);
        events.push(this.parts.lineAddedEvent(caller, order, labour));
      }
      const parts = await this.parts.partLines(db, caller, order, job.parts, location);
      lines.push(...parts.lines);
      events.push(...parts.events);
      // Work found during the job goes to the customer once for the whole package (estimates).
      const awaiting = lines.find((line) => line.approval === 'awaiting_approval');
      if (awaiting) events.push(...(await this.garage.useCases.estimates.lineAdded(db, caller, order, awaiting)));
      events.push(
        newEvent(caller, 'garage.workorder.cannedjob_applied', { type: 'work-order', id: order.id }, {
          workOrderId: order.id,
          customerId: order.customerId,
          vehicleId: order.vehicleId,
          status: order.status,
          cannedJobId: job.id,
          lineIds: lines.map((line) => line.id),
        }),
      );
      return { result: { cannedJobId: job.id, lines }, events };
    });
  }
}
