import { randomUUID } from 'node:crypto';
import { badRequest, conflict, forbidden, notFound } from '@ecar/errors';
import { documentsOfCustomer } from '../data/documents.ts';
import { appointmentsOfCustomer } from '../data/appointments.ts';
import { linesOf, timeEntriesOf, workOrdersOfCustomer } from '../data/work-orders.ts';
import { isAdmin, isTechnician, type Caller } from '@ecar/contracts';
import { CUSTOMER_SEALED_FIELDS, type Customer, type CustomerKind, type CustomerSealedField } from './customer.ts';
import { newEvent } from '@ecar/contracts';
import { diff } from './diff.ts';
import type { GarageContext } from './garage.ts';
import { isActive } from './work-order-states.ts';

export interface CustomerInput {
  kind: CustomerKind;
  name: string;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
  nationalId?: string | null;
  userId?: string | null;
  consentMethod?: string;
}

export type CustomerPatch = Partial<Pick<Customer, 'name' | 'phone' | 'email' | 'address' | 'nationalId'>> & {
  /** Which identifier `nationalId` is: a CIN only fits a person, a tax ID only a company. */
  nationalIdKind?: 'cin' | 'taxId';
};

/** The fields a caller reads: a technician gets the phone only (plus the name, which is not sealed). */
export function readableFields(caller: Caller): readonly CustomerSealedField[] {
  return isTechnician(caller) ? ['phone'] : CUSTOMER_SEALED_FIELDS;
}

function fieldsRead(caller: Caller): string[] {
  return ['name', ...readableFields(caller)];
}

/** A list shows what a table of customers needs: the address and the CIN/tax ID stay sealed. */
export function listFields(caller: Caller): readonly CustomerSealedField[] {
  return isTechnician(caller) ? ['phone'] : ['phone', 'email'];
}

/** What a customer list may be filtered by, and the sealed field each filter is a lookup on. */
export interface CustomerFilters {
  email?: string;
  phone?: string;
  nationalId?: string;
}

const FILTERED_FIELD: Readonly<Record<keyof CustomerFilters, CustomerSealedField>> = { email: 'email', phone: 'phone', nationalId: 'nationalId' };

/**
 * A caller filters only on fields they may read (issue 12, finding 7): a lookup on a field is an
 * oracle on it ("is this CIN one of my jobs' customers?"), so a technician, who reads the phone
 * only, may not look up by e-mail, CIN or tax ID. Refused with 403, not 400: the request is well
 * formed (a super-admin's same request succeeds), the role lacks the right; the rule is public, so
 * the refusal reveals nothing about the data. The counter search (domain/search.ts) indexes no
 * e-mail, CIN or tax ID and is super-admin only, so this is the one filter rule of customer look-ups.
 */
export function assertFilterable(caller: Caller, filters: CustomerFilters, names: Partial<Record<keyof CustomerFilters, string>> = {}): void {
  const readable = readableFields(caller);
  const refused = (Object.keys(FILTERED_FIELD) as Array<keyof CustomerFilters>).filter((key) => filters[key] !== undefined && !readable.includes(FILTERED_FIELD[key]));
  if (refused.length > 0) throw forbidden(`Your role may not look customers up by ${refused.map((key) => names[key] ?? key).join(', ')}`);
}

const CHANGEABLE = ['name', 'phone', 'email', 'address', 'nationalId'] as const;

export class CustomerService {
  constructor(private readonly garage: GarageContext) {}

  async create(caller: Caller, input: CustomerInput): Promise<Customer> {
    const now = new Date();
    const customer: Customer = {
      id: randomUUID(),
      userId: input.userId ?? null,
      kind: input.kind,
      name: input.name,
      phone: input.phone ?? null,
      email: input.email ?? null,
      address: input.address ?? null,
      nationalId: input.nationalId ?? null,
      consentGivenAt: input.consentMethod ? now : null,
      consentMethod: input.consentMethod ?? null,
      consentWithdrawnAt: null,
      anonymisedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    return this.garage.unitOfWork.run(async (db) => {
      if (customer.userId && (await this.garage.customers.findByUserId(db, customer.userId, []))) throw conflict('That user already has a customer profile');
      await this.garage.customers.insert(db, customer);
      // The account it belongs to, when given: audit learns whose profile this is ("who read my data", issue 15).
      const subject = { type: 'customer', id: customer.id, ...(customer.userId ? { ownerId: customer.userId } : {}) };
      return { result: customer, events: [newEvent(caller, 'garage.customer.created', subject, { customerId: customer.id, source: 'admin' })] };
    });
  }

  /** One customer (AUD-4: a read, its access record committed before the answer — UnitOfWork.read). */
  async get(caller: Caller, id: string): Promise<Customer> {
    return this.garage.unitOfWork.read(async (db) => {
      const customer = await this.garage.customers.find(db, caller, id, readableFields(caller));
      if (!customer) throw notFound('Customer not found');
      const subject = { type: 'customer', id, ...(customer.userId ? { ownerId: customer.userId } : {}) };
      return { result: customer, events: [newEvent(caller, 'garage.customer.accessed', subject, { customerIds: [id], fields: fieldsRead(caller), purpose: 'detail' })] };
    });
  }

  /** A page of customers; one access event names every customer on it. Filters use blind indexes. */
  async list(caller: Caller, query: CustomerFilters & { after?: string; limit: number }, filterNames: Partial<Record<keyof CustomerFilters, string>> = {}): Promise<Customer[]> {
    assertFilterable(caller, query, filterNames);
    // One statement (blind-index look-up within reach), then the page's access record (UnitOfWork.read).
    return this.garage.unitOfWork.read(async (db) => {
      const customers = await this.garage.customers.list(db, caller, query, listFields(caller));
      const events =
        customers.length === 0
          ? []
          : [
              newEvent(caller, 'garage.customer.accessed', { type: 'customer-list', id: caller.correlationId.slice(0, 128) }, {
                customerIds: customers.map((customer) => customer.id),
                fields: ['name', ...listFields(caller)],
                purpose: 'list',
              }),
            ];
      return { result: customers, events };
    });
  }

  /** Rectification (by the customer themself or a super-admin), audited with a masked diff. */
  async update(caller: Caller, id: string, patch: CustomerPatch): Promise<Customer> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await this.garage.customers.find(db, caller, id, CUSTOMER_SEALED_FIELDS, true);
      if (!before) throw notFound('Customer not found');
      if (before.anonymisedAt) throw conflict('This customer was anonymised');
      const { nationalIdKind, ...fields } = patch;
      if (nationalIdKind && nationalIdKind !== (before.kind === 'person' ? 'cin' : 'taxId')) {
        throw badRequest('Identifier does not fit the customer', [{ path: nationalIdKind, code: 'kind_mismatch', message: 'a person has a CIN, a company a tax ID' }]);
      }
      const after: Customer = { ...before, ...fields, updatedAt: new Date() };
      const changes = diff(before, after, CHANGEABLE);
      await this.garage.customers.update(db, after);
      const subject = { type: 'customer', id, ...(after.userId ? { ownerId: after.userId } : {}) };
      const event = newEvent(caller, 'garage.customer.updated', subject, { customerId: id, fields: Object.keys(changes) }, changes);
      return { result: after, events: [event] };
    });
  }

  async recordConsent(caller: Caller, id: string, given: boolean, method: string): Promise<Customer> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await this.garage.customers.find(db, caller, id, CUSTOMER_SEALED_FIELDS, true);
      if (!before) throw notFound('Customer not found');
      const now = new Date();
      const after: Customer = given
        ? { ...before, consentGivenAt: now, consentMethod: method, consentWithdrawnAt: null, updatedAt: now }
        : { ...before, consentWithdrawnAt: now, updatedAt: now };
      await this.garage.customers.update(db, after);
      const changes = diff(before, after, ['consentGivenAt', 'consentMethod', 'consentWithdrawnAt']);
      const subject = { type: 'customer', id, ...(after.userId ? { ownerId: after.userId } : {}) };
      return { result: after, events: [newEvent(caller, 'garage.customer.consent_recorded', subject, { customerId: id, given, method }, changes)] };
    });
  }

  /**
   * Erasure where the law allows: refused while a work order is still active (the garage must
   * keep what an open job or its invoice needs). Personal data is replaced by placeholders; ids
   * stay so history and invoices keep their references.
   */
  async anonymise(caller: Caller, id: string): Promise<Customer> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await this.garage.customers.find(db, caller, id, CUSTOMER_SEALED_FIELDS, true);
      if (!before) throw notFound('Customer not found');
      if (before.anonymisedAt) throw conflict('This customer is already anonymised');
      const orders = await workOrdersOfCustomer(db, id);
      if (orders.some((order) => isActive(order.status))) throw conflict('The customer has open work orders; finish or cancel them first');
      const now = new Date();
      const after: Customer = {
        ...before,
        userId: null,
        name: `Anonymised customer ${id.slice(0, 8)}`,
        phone: null,
        email: null,
        address: null,
        nationalId: null,
        anonymisedAt: now,
        updatedAt: now,
      };
      await this.garage.customers.update(db, after);
      for (const vehicle of await this.garage.vehicles.ofCustomer(db, id)) {
        await this.garage.vehicles.save(db, { ...vehicle, plate: `ANONYMISED ${vehicle.id}`, vin: null, updatedAt: now }, false);
      }
      const changes = diff(before, after, [...CHANGEABLE, 'userId']);
      return { result: after, events: [newEvent(caller, 'garage.customer.anonymised', { type: 'customer', id }, { customerId: id }, changes)] };
    });
  }

  /** Right of access: everything held about the customer, recorded as an access (AUD-4). */
  async export(caller: Caller, id: string): Promise<Record<string, unknown>> {
    return this.garage.unitOfWork.run(async (db) => {
      const customer = await this.garage.customers.find(db, caller, id, CUSTOMER_SEALED_FIELDS);
      if (!customer) throw notFound('Customer not found');
      const vehicles = await this.garage.vehicles.ofCustomer(db, id);
      const documents = (await documentsOfCustomer(db, id)).map(({ storageName: _s, dataKeySealed: _k, ...meta }) => meta);
      const appointments = await appointmentsOfCustomer(db, id);
      const workOrders = [];
      for (const order of await workOrdersOfCustomer(db, id)) {
        workOrders.push({ ...order, lines: await linesOf(db, order.id), timeEntries: await timeEntriesOf(db, order.id) });
      }
      const subject = { type: 'customer', id, ...(customer.userId ? { ownerId: customer.userId } : {}) };
      const event = newEvent(caller, 'garage.customer.accessed', subject, {
        customerIds: [id],
        fields: ['name', ...CUSTOMER_SEALED_FIELDS, 'vehicles', 'documents', 'appointments', 'workOrders'],
        purpose: 'export',
      });
      return {
        result: { exportedAt: new Date().toISOString(), exportedBy: isAdmin(caller) ? 'super-admin' : 'customer', customer, vehicles, documents, appointments, workOrders },
        events: [event],
      };
    });
  }
}
