/**
 * A reproducible garage chain (issue 16): customers, vehicles, work orders with lines and
 * technicians, issued invoices, and the audit chain of the events all of that would have
 * published. Rows are written with the services' own data-layer code, so what lands is what
 * production holds: customer and vehicle fields sealed by the garage FieldCipher (AES-256-GCM,
 * AAD per row) with their blind indexes; invoices drafted, numbered by the gapless counter and
 * frozen by `markIssued` (the billing triggers check every number); audit rows built by the audit
 * consumer's `recordOf`/`refsOf` from catalogue-validated envelopes and chained by `appendToChain`
 * under the chain key.
 *
 * What is not the live path: the events are not relayed through the outboxes and RabbitMQ (the
 * audit rows are appended directly, in the order the consumer would have chained them; a relayed
 * outbox is empty in steady state anyway), and invoices are dated the day of the run (issuing
 * dates an invoice "today").
 *
 * Deterministic: every id, value and count derives from (seed, index), so a run is reproducible
 * and a chunk re-generated after a crash is identical. Resumable: each database records, in the
 * transaction that wrote a chunk, how many chunks it holds (`scale_seed_progress`); a re-run
 * continues from there in each database and never duplicates.
 */
import { createHash } from 'node:crypto';
import { buildEvent, type EventEnvelope, type EventType, type EventData, type Actor, type Subject } from '@ecar/contracts';
import type { DataSource, EntityManager } from '@ecar/db';
import { CustomerStore } from '../../services/garage/src/data/customers.ts';
import type { FieldCipher } from '../../services/garage/src/data/field-cipher.ts';
import { VehicleStore } from '../../services/garage/src/data/vehicles.ts';
import { assignTechnicians, insertLine, saveWorkOrder, type WorkOrder } from '../../services/garage/src/data/work-orders.ts';
import type { Customer } from '../../services/garage/src/domain/customer.ts';
import type { Vehicle } from '../../services/garage/src/domain/vehicle.ts';
import type { WorkOrderStatus } from '@ecar/contracts/requests/garage';
import { allocateSequence, documentNumber } from '../../services/billing/src/data/counters.ts';
import { insertDraft, insertLines, markIssued } from '../../services/billing/src/data/invoices.ts';
import { stampInForce } from '../../services/billing/src/data/tax-tables.ts';
import { numberLines } from '../../services/billing/src/domain/lines.ts';
import { computeTotals } from '../../services/billing/src/domain/totals.ts';
import type { Buyer, NewLine, Seller } from '../../services/billing/src/domain/types.ts';
import { appendToChain } from '../../services/audit/src/data/chain.ts';
import type { ChainHasher } from '../../services/audit/src/domain/chain.ts';
import { recordOf, refsOf } from '../../services/audit/src/domain/record.ts';
import type { SeedProfile } from './profiles.ts';

export interface SeedTargets {
  garage: { db: DataSource; cipher: FieldCipher };
  billing: { db: DataSource; seller: Seller; issueDate: string };
  audit: { db: DataSource; hash: ChainHasher };
}

export interface SeedProgress {
  database: 'garage' | 'billing' | 'audit';
  chunk: number;
  chunks: number;
  resumed: boolean;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;
/** The dataset covers ten years, ending at this fixed instant (reproducible dates). */
const END = Date.parse('2026-11-01T00:00:00Z');
const START = END - 10 * YEAR_MS;
const TECHNICIANS = 24;
const AUDIT_BATCH = 2_000;
const MAKES: Array<[string, string[]]> = [
  ['Peugeot', ['208', '301', '3008', 'Partner']],
  ['Renault', ['Clio', 'Symbol', 'Kangoo', 'Megane']],
  ['Volkswagen', ['Polo', 'Golf', 'Caddy']],
  ['Kia', ['Picanto', 'Rio', 'Sportage']],
  ['Hyundai', ['i10', 'i20', 'Accent', 'Tucson']],
  ['Toyota', ['Yaris', 'Corolla', 'Hilux']],
  ['Fiat', ['Punto', 'Tipo', 'Doblo']],
];
const FIRST = ['Mohamed', 'Ahmed', 'Ali', 'Youssef', 'Amine', 'Sami', 'Hichem', 'Karim', 'Fatma', 'Amira', 'Salma', 'Ines', 'Mariem', 'Nour', 'Leila', 'Sonia'];
const LAST = ['Ben Ali', 'Trabelsi', 'Gharbi', 'Jaziri', 'Hammami', 'Bouazizi', 'Mejri', 'Chaabane', 'Ayari', 'Sassi', 'Khelifi', 'Dridi', 'Mansouri', 'Zouari'];
const CITIES = ['Tunis', 'Ariana', 'Sousse', 'Sfax', 'Nabeul', 'Bizerte', 'Monastir', 'Gabès'];
const LABOUR = ['Vidange et filtre', 'Diagnostic électronique', 'Remplacement plaquettes', 'Parallélisme', 'Distribution', 'Révision complète'];
const PARTS = ['Filtre à huile', 'Huile 5W30 (litre)', 'Plaquettes avant', 'Courroie de distribution', 'Batterie 60 Ah', 'Bougie'];
const COMPLAINTS = ['Bruit au freinage', 'Voyant moteur allumé', 'Entretien périodique', 'Démarrage difficile', 'Vibrations à 100 km/h', 'Climatisation faible'];
const OTHER_STATUSES: WorkOrderStatus[] = ['open', 'estimate_sent', 'approved', 'in_progress', 'completed', 'declined', 'cancelled', 'open', 'in_progress', 'estimate_sent'];

/** A stable UUID (v4 layout) from the seed, a kind and an index. */
export function seedId(seed: string, kind: string, index: number | string): string {
  const hex = createHash('sha256').update(`${seed}:${kind}:${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A small deterministic PRNG per (seed, kind, index). */
function rng(seed: string, kind: string, index: number): () => number {
  let state = createHash('sha256').update(`${seed}:rng:${kind}:${index}`).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
/** Items [from, to) of `count` spread proportionally over `over` owners: owner `i` gets range(i). */
const share = (i: number, count: number, over: number): [number, number] => [Math.floor((i * count) / over), Math.floor(((i + 1) * count) / over)];

/** The customer's phone, plate of vehicle `v`, e-mail: how tests and the bench find them again. */
export const phoneOf = (c: number) => `+216${String(20_000_000 + c)}`;
export const plateOf = (v: number) => `${100 + Math.floor(v / 10_000)} TU ${String(v % 10_000).padStart(4, '0')}`;
export const emailOf = (c: number) => `client${c}@exemple.tn`;
/** Customers with an account (their own invoices, history): two in three. */
export const hasAccount = (c: number) => c % 3 !== 2;
/** Delivered (and invoiced) work orders: `invoices / workOrders` of them, spread evenly. */
const isDelivered = (profile: SeedProfile, w: number) => Math.floor(((w + 1) * profile.invoices) / profile.workOrders) > Math.floor((w * profile.invoices) / profile.workOrders);

interface SeedLine extends NewLine {
  id: string;
  kind: 'labour' | 'part';
  createdAt: Date;
}

interface ChunkData {
  customers: Customer[];
  vehicles: Vehicle[];
  orders: Array<{ order: Omit<WorkOrder, 'number'>; lines: SeedLine[]; technician: string; customer: Customer; vehicle: Vehicle }>;
}

/** The rows of customers [from, to): a pure function of (seed, profile, chunk). */
export function chunkData(seed: string, profile: SeedProfile, from: number, to: number): ChunkData {
  const data: ChunkData = { customers: [], vehicles: [], orders: [] };
  const technician = (i: number) => seedId(seed, 'technician', i % TECHNICIANS);
  const admin = seedId(seed, 'admin', 0);
  for (let c = from; c < to; c++) {
    const random = rng(seed, 'customer', c);
    const company = c % 10 === 9;
    const createdAt = new Date(START + (c / profile.customers) * 8 * YEAR_MS);
    const name = company ? `Société ${pick(random, LAST)} ${c} SARL` : `${pick(random, FIRST)} ${pick(random, LAST)}`;
    const customer: Customer = {
      id: seedId(seed, 'customer', c),
      userId: hasAccount(c) ? seedId(seed, 'user', c) : null,
      kind: company ? 'company' : 'person',
      name,
      phone: phoneOf(c),
      email: c % 4 === 3 ? null : emailOf(c),
      address: `${1 + Math.floor(random() * 200)} rue ${pick(random, LAST)}, ${pick(random, CITIES)}`,
      nationalId: company ? null : String(10_000_000 + c),
      consentGivenAt: createdAt,
      consentMethod: 'written-form',
      consentWithdrawnAt: null,
      anonymisedAt: null,
      createdAt,
      updatedAt: createdAt,
    };
    data.customers.push(customer);
    const [vFrom, vTo] = share(c, profile.vehicles, profile.customers);
    for (let v = vFrom; v < vTo; v++) {
      const vr = rng(seed, 'vehicle', v);
      const [make, models] = pick(vr, MAKES);
      const vehicleAt = new Date(createdAt.getTime() + (v - vFrom) * 30 * 24 * 3600 * 1000);
      const vehicle: Vehicle = {
        id: seedId(seed, 'vehicle', v),
        customerId: customer.id,
        plate: plateOf(v),
        vin: v % 2 === 0 ? `VF3${String(v).padStart(14, '0')}` : null,
        make,
        model: pick(vr, models),
        year: 2005 + Math.floor(vr() * 20),
        mileageKm: 10_000 + Math.floor(vr() * 250_000),
        nextServiceDate: null,
        nextServiceMileageKm: null,
        technicalInspectionDue: null,
        insuranceDue: null,
        vignetteDue: null,
        createdAt: vehicleAt,
        updatedAt: vehicleAt,
      };
      data.vehicles.push(vehicle);
      const [wFrom, wTo] = share(v, profile.workOrders, profile.vehicles);
      for (let w = wFrom; w < wTo; w++) {
        const wr = rng(seed, 'workorder', w);
        const delivered = isDelivered(profile, w);
        const status: WorkOrderStatus = delivered ? 'delivered' : OTHER_STATUSES[w % OTHER_STATUSES.length]!;
        // Delivered orders are spread over the vehicle's years; the others are the current board (last weeks).
        const openedAt = delivered
          ? new Date(vehicleAt.getTime() + ((w - wFrom + wr()) / Math.max(1, wTo - wFrom)) * (END - vehicleAt.getTime() - 60 * 24 * 3600 * 1000))
          : new Date(END - wr() * 45 * 24 * 3600 * 1000);
        const doneAt = delivered || status === 'completed' ? new Date(openedAt.getTime() + 3 * 3600 * 1000) : null;
        const decided = ['approved', 'in_progress', 'completed', 'delivered', 'declined'].includes(status);
        const order: Omit<WorkOrder, 'number'> = {
          id: seedId(seed, 'workorder', w),
          customerId: customer.id,
          vehicleId: vehicle.id,
          appointmentId: null,
          status,
          complaint: pick(wr, COMPLAINTS),
          mileageInKm: vehicle.mileageKm,
          openedBy: admin,
          estimateDecision: decided ? (status === 'declined' ? 'declined' : 'approved') : null,
          estimateDecidedBy: decided ? (customer.userId ?? admin) : null,
          estimateDecidedAt: decided ? new Date(openedAt.getTime() + 3600 * 1000) : null,
          estimateDecidedIp: decided ? '196.203.10.20' : null,
          completedAt: doneAt,
          deliveredAt: delivered ? new Date(openedAt.getTime() + 6 * 3600 * 1000) : null,
          createdAt: openedAt,
          updatedAt: doneAt ?? openedAt,
        };
        const lineCount = 1 + Math.floor(wr() * 5);
        const lines = Array.from({ length: lineCount }, (_, l): SeedLine => {
          const part = l > 0 && wr() < 0.6;
          return {
            id: seedId(seed, `line:${w}`, l),
            kind: part ? ('part' as const) : ('labour' as const),
            description: pick(wr, part ? PARTS : LABOUR),
            quantityMilli: part ? 1000 * (1 + Math.floor(wr() * 4)) : 500 * (1 + Math.floor(wr() * 6)),
            unitPriceMillimes: 1000 * (5 + Math.floor(wr() * 300)),
            vatRateBp: 1900,
            createdAt: new Date(openedAt.getTime() + (l + 1) * 60_000),
          };
        });
        data.orders.push({ order, lines, technician: technician(w), customer, vehicle });
      }
    }
  }
  return data;
}

async function progressOf(db: DataSource, seed: string, profile: SeedProfile): Promise<number> {
  await db.query(`CREATE TABLE IF NOT EXISTS scale_seed_progress (stage text PRIMARY KEY, chunks_done int NOT NULL, seed text NOT NULL, profile text NOT NULL)`);
  const rows: Array<{ chunks_done: number; seed: string; profile: string }> = await db.query(`SELECT chunks_done, seed, profile FROM scale_seed_progress WHERE stage = 'chain'`);
  const row = rows[0];
  if (row && (row.seed !== seed || row.profile !== profile.name)) {
    throw new Error(`seed progress mismatch: this database holds seed ${row.seed}, profile ${row.profile} (drop it or use another --name)`);
  }
  return row?.chunks_done ?? 0;
}

async function markDone(db: EntityManager, chunk: number, seed: string, profile: SeedProfile): Promise<void> {
  const rows: unknown[] = await db.query(
    `INSERT INTO scale_seed_progress (stage, chunks_done, seed, profile) VALUES ('chain', $1, $2, $3)
     ON CONFLICT (stage) DO UPDATE SET chunks_done = EXCLUDED.chunks_done WHERE scale_seed_progress.chunks_done = $1 - 1
       AND scale_seed_progress.seed = $2 AND scale_seed_progress.profile = $3 RETURNING 1`,
    [chunk + 1, seed, profile.name],
  );
  // Another seed or profile in this database, or a concurrent run: refuse rather than mix datasets.
  if (rows.length !== 1) throw new Error(`seed progress mismatch at chunk ${chunk} (another seed/profile or a concurrent run in this database)`);
}

async function writeGarage(db: EntityManager, targets: SeedTargets, data: ChunkData): Promise<void> {
  const customers = new CustomerStore(targets.garage.cipher);
  const vehicles = new VehicleStore(targets.garage.cipher);
  for (const customer of data.customers) await customers.insert(db, customer);
  for (const vehicle of data.vehicles) await vehicles.save(db, vehicle, true);
  for (const { order, lines, technician } of data.orders) {
    await saveWorkOrder(db, order);
    await assignTechnicians(db, order.id, [technician]);
    // Each line's approval follows its order's answer, as the estimates migration set it for old rows.
    const approval = order.estimateDecision ?? (order.status === 'estimate_sent' ? 'awaiting_approval' : 'draft');
    for (const line of lines) await insertLine(db, { ...line, workOrderId: order.id, addedBy: order.openedBy, approval, decisionId: null, updatedAt: line.createdAt });
  }
}

function buyerOf(customer: Customer): Buyer {
  return {
    name: customer.name,
    kind: customer.kind,
    ...(customer.nationalId ? { cin: customer.nationalId } : {}),
    ...(customer.kind === 'company' ? { taxId: `${String(1_000_000 + (parseInt(customer.id.slice(0, 6), 16) % 8_999_999)).slice(0, 7)}/M/A/M/000` } : {}),
    ...(customer.address ? { address: customer.address } : {}),
    stampExempt: false,
  };
}

async function writeBilling(db: EntityManager, targets: SeedTargets, seed: string, data: ChunkData): Promise<void> {
  const { issueDate, seller } = targets.billing;
  const stamp = await stampInForce(db, issueDate);
  if (stamp === undefined) throw new Error(`no fiscal stamp in force on ${issueDate}`);
  for (const { order, lines, customer, vehicle } of data.orders) {
    if (order.status !== 'delivered') continue;
    // Keyed by the whole work-order id: 32 bits of it collided among `large`'s 400,000 invoices.
    const id = seedId(seed, 'invoice', order.id);
    const buyer = buyerOf(customer);
    await insertDraft(db, {
      id,
      origin: 'work_order',
      workOrderId: order.id,
      customerId: customer.id,
      ...(customer.userId ? { ownerUserId: customer.userId } : {}),
      buyer,
      vehicle: { plate: vehicle.plate, ...(vehicle.vin ? { vin: vehicle.vin } : {}), description: `${vehicle.make} ${vehicle.model}` },
      createdBy: `event:${seedId(seed, 'completed-event', order.id)}`,
    });
    const numbered = numberLines(lines.map(({ kind, description, quantityMilli, unitPriceMillimes, vatRateBp }) => ({ kind, description, quantityMilli, unitPriceMillimes, vatRateBp })));
    await insertLines(db, id, numbered);
    const totals = computeTotals(numbered, stamp);
    const fiscalYear = Number(issueDate.slice(0, 4));
    const seq = await allocateSequence(db, 'FA', fiscalYear);
    await markIssued(db, id, {
      fiscalYear,
      seq,
      number: documentNumber('FA', fiscalYear, seq),
      issueDate,
      issuedBy: order.openedBy,
      seller,
      buyer,
      vatBreakdown: totals.vat,
      totalHt: totals.totalHtMillimes,
      totalVat: totals.totalVatMillimes,
      stamp: totals.stampMillimes,
      totalTtc: totals.totalTtcMillimes,
    });
  }
}

/** The envelopes the chunk's history would have published, in order, padded with reads to the profile's audit volume. */
export function chunkEvents(seed: string, profile: SeedProfile, chunk: number, from: number, to: number, data: ChunkData): EventEnvelope[] {
  const admin = seedId(seed, 'admin', 0);
  const adminActor: Actor = { userId: admin, role: 'super-admin', email: 'admin@garage.tn', ip: '196.203.10.1', userAgent: 'Mozilla/5.0 (ECAR seed)' };
  const envelopes: EventEnvelope[] = [];
  let n = 0;
  const emit = <T extends EventType>(producer: string, type: T, subject: Subject, data: EventData<T>, at: Date, actor: Actor = adminActor) => {
    const envelope = buildEvent({ type, producer, correlationId: seedId(seed, `corr:${chunk}`, n), actor, subject, data, occurredAt: at });
    envelopes.push({ ...envelope, id: seedId(seed, `event:${chunk}`, n++) });
  };
  const customerSubject = (c: Customer): Subject => ({ type: 'customer', id: c.id, ...(c.userId ? { ownerId: c.userId } : {}) });
  for (const customer of data.customers) emit('garage', 'garage.customer.created', customerSubject(customer), { customerId: customer.id, source: 'admin' }, customer.createdAt);
  for (const vehicle of data.vehicles) {
    emit('garage', 'garage.vehicle.created', { type: 'vehicle', id: vehicle.id }, { vehicleId: vehicle.id, customerId: vehicle.customerId }, vehicle.createdAt);
  }
  for (const { order, lines, technician } of data.orders) {
    const ref = { workOrderId: order.id, customerId: order.customerId, vehicleId: order.vehicleId };
    const subject: Subject = { type: 'work_order', id: order.id };
    emit('garage', 'garage.workorder.opened', subject, { ...ref, status: 'open' }, order.createdAt);
    emit('garage', 'garage.workorder.assigned', subject, { ...ref, status: 'open', technicianIds: [technician] }, order.createdAt);
    for (const line of lines) {
      const { kind, description, quantityMilli, unitPriceMillimes, vatRateBp } = line;
      emit('garage', 'garage.workorder.line_added', subject, { ...ref, status: 'open', lineId: line.id, line: { kind, description, quantityMilli, unitPriceMillimes, vatRateBp } }, line.createdAt);
    }
    if (order.status !== 'open') emit('garage', 'garage.workorder.status_changed', subject, { ...ref, status: order.status, from: 'open' }, order.updatedAt);
  }
  // Reads fill the rest (AUD-4: one event per read of personal data), spread over the chunk's customers.
  const target = share(chunk, profile.auditEvents, Math.ceil(profile.customers / profile.chunk));
  const wanted = target[1] - target[0];
  const customers = data.customers;
  for (let r = 0; envelopes.length < wanted && customers.length > 0; r++) {
    const customer = customers[r % customers.length]!;
    const at = new Date(customer.createdAt.getTime() + ((r + 1) / wanted) * (END - customer.createdAt.getTime()));
    emit('garage', 'garage.customer.accessed', customerSubject(customer), { customerIds: [customer.id], fields: ['name', 'phone', 'email'], purpose: r % 3 === 0 ? 'work-order' : 'detail' }, at);
  }
  void from;
  void to;
  return envelopes;
}

async function writeAudit(db: EntityManager, targets: SeedTargets, envelopes: readonly EventEnvelope[]): Promise<void> {
  for (let start = 0; start < envelopes.length; start += AUDIT_BATCH) {
    const batch = envelopes.slice(start, start + AUDIT_BATCH).map((envelope) => ({ record: recordOf(envelope), refs: refsOf(envelope) }));
    await appendToChain(db, batch, targets.audit.hash);
  }
}

/**
 * Generates the profile into the three databases, continuing where an earlier run stopped. Each
 * chunk is written to garage, billing and audit in that order, one transaction each, with the
 * database's progress row in the same transaction.
 */
export async function seedGarageChain(targets: SeedTargets, profile: SeedProfile, seed: string, onProgress: (progress: SeedProgress) => void = () => undefined): Promise<void> {
  const chunks = Math.ceil(profile.customers / profile.chunk);
  const done = {
    garage: await progressOf(targets.garage.db, seed, profile),
    billing: await progressOf(targets.billing.db, seed, profile),
    audit: await progressOf(targets.audit.db, seed, profile),
  };
  const first = Math.min(done.garage, done.billing, done.audit);
  for (let chunk = first; chunk < chunks; chunk++) {
    const from = chunk * profile.chunk;
    const to = Math.min(profile.customers, from + profile.chunk);
    const data = chunkData(seed, profile, from, to);
    const steps: Array<['garage' | 'billing' | 'audit', DataSource, (db: EntityManager) => Promise<void>]> = [
      ['garage', targets.garage.db, (db) => writeGarage(db, targets, data)],
      ['billing', targets.billing.db, (db) => writeBilling(db, targets, seed, data)],
      ['audit', targets.audit.db, (db) => writeAudit(db, targets, chunkEvents(seed, profile, chunk, from, to, data))],
    ];
    for (const [name, dataSource, write] of steps) {
      if (done[name] > chunk) {
        onProgress({ database: name, chunk: chunk + 1, chunks, resumed: true });
        continue;
      }
      await dataSource.transaction(async (db) => {
        await write(db);
        await markDone(db, chunk, seed, profile);
      });
      onProgress({ database: name, chunk: chunk + 1, chunks, resumed: false });
    }
  }
}
