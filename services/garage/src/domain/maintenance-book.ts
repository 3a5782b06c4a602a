import { randomUUID } from 'node:crypto';
import { newEvent, type Caller } from '@ecar/contracts';
import {
  MAINTENANCE_BOOK_FORMAT,
  maintenanceBookDocument,
  type BookContent,
  type BookEntry,
  type MaintenanceBookDocument,
} from '@ecar/contracts/requests/garage-book';
import type { BookVerificationResponse, EntryCheck } from '@ecar/contracts/responses/garage-book';
import type { EntityManager } from '@ecar/db';
import { notFound, parseInput } from '@ecar/errors';
import { canonicalJson } from '@ecar/primitives';
import {
  completedOrdersByIds,
  completedOrdersOfVehicle,
  completedOrdersSince,
  doneLinesOf,
  findIssuedBook,
  saveIssuedBook,
  type CompletedOrder,
} from '../data/maintenance-books.ts';
import { renderMaintenanceBook } from '../pdf/maintenance-book.ts';
import type { BookSigner, PublishedBookKey } from './book-signer.ts';
import type { GarageContext } from './garage.ts';

/** A book holds at most this many work orders (the schema's limit), the oldest first. */
const MAX_ENTRIES = 200;

export interface BookSettings {
  garageName: string;
  /** The web app's public address: the QR code opens `${publicBaseUrl}/app/verify-book#book=<id>`. */
  publicBaseUrl: string;
}

export type BookVerification = BookVerificationResponse;

/** The canonical form of an entry, for comparing a signed one with the records. */
const entryKey = (entry: BookEntry) => canonicalJson(entry);

/**
 * The verifiable maintenance book (carnet d'entretien, issue 15): a vehicle's completed work as
 * a JSON document signed with the garage's Ed25519 key, a PDF of it, and the public check a buyer
 * of the car runs on it.
 */
export class MaintenanceBookService {
  constructor(
    private readonly garage: GarageContext,
    private readonly signer: BookSigner,
    private readonly settings: BookSettings,
  ) {}

  verifyUrl(bookId: string): string {
    return `${this.settings.publicBaseUrl}/app/verify-book#book=${bookId}`;
  }

  keys(): PublishedBookKey[] {
    return this.signer.published();
  }

  /** Signs the vehicle's history as it is now and keeps the signed document (what its QR code opens). */
  async issue(caller: Caller, vehicleId: string): Promise<MaintenanceBookDocument> {
    return this.garage.unitOfWork.run(async (db) => {
      const vehicle = await this.garage.vehicles.find(db, caller, vehicleId);
      if (!vehicle) throw notFound('Vehicle not found');
      const issuedAt = new Date();
      const book: BookContent = {
        format: MAINTENANCE_BOOK_FORMAT,
        bookId: randomUUID(),
        issuedAt: issuedAt.toISOString(),
        garage: { name: this.settings.garageName },
        vehicle: { vehicleId: vehicle.id, vin: vehicle.vin, make: vehicle.make, model: vehicle.model, year: vehicle.year },
        entries: await this.entriesOf(db, await completedOrdersOfVehicle(db, vehicle.id, MAX_ENTRIES)),
      };
      const document: MaintenanceBookDocument = { book, signature: { alg: 'Ed25519', ...this.signer.sign(canonicalJson(book)) } };
      await saveIssuedBook(db, { id: book.bookId, vehicleId: vehicle.id, keyId: document.signature.kid, issuedAt, document: canonicalJson(document) });
      const event = newEvent(
        caller,
        'garage.maintenance_book.issued',
        { type: 'vehicle', id: vehicle.id },
        { vehicleId: vehicle.id, customerId: vehicle.customerId, bookId: book.bookId, keyId: document.signature.kid, entries: book.entries.length },
      );
      return { result: document, events: [event] };
    });
  }

  /** A book issued for this vehicle, as signed (the caller must reach the vehicle). */
  async issued(caller: Caller, vehicleId: string, bookId: string): Promise<{ document: MaintenanceBookDocument; json: string }> {
    const db = this.garage.dataSource.manager;
    const vehicle = await this.garage.vehicles.find(db, caller, vehicleId);
    const stored = vehicle ? await findIssuedBook(db, bookId) : undefined;
    if (!stored || stored.vehicleId !== vehicleId) throw notFound('Maintenance book not found');
    return { document: maintenanceBookDocument.parse(JSON.parse(stored.document)), json: stored.document };
  }

  async pdf(caller: Caller, vehicleId: string, bookId: string): Promise<Buffer> {
    const { document, json } = await this.issued(caller, vehicleId, bookId);
    return renderMaintenanceBook(document, json, this.verifyUrl(bookId));
  }

  /** The public check of an uploaded document: shape (400 otherwise), signature, then the records. */
  async verify(raw: unknown): Promise<BookVerification> {
    const document = parseInput(maintenanceBookDocument, raw, 'maintenance book');
    // The signature covers the canonical JSON of `book` as received (the schema transforms nothing).
    const payload = canonicalJson((raw as { book: unknown }).book);
    const { kid, value } = document.signature;
    const key = this.signer.published().find((candidate) => candidate.kid === kid) ?? null;
    const signatureValid = key !== null && this.signer.verify(kid, payload, value);
    const signature = { valid: signatureValid, reason: key === null ? ('unknown-key' as const) : signatureValid ? null : ('bad-signature' as const), kid, key };
    if (!signatureValid) return { valid: false, signature, records: null, book: document.book };
    const records = await this.againstRecords(this.garage.dataSource.manager, document.book);
    return { valid: records.matches, signature, records, book: document.book };
  }

  /** The check behind a printed QR code: the book as the garage issued it, against the records now. */
  async verifyIssued(bookId: string): Promise<BookVerification> {
    const stored = await findIssuedBook(this.garage.dataSource.manager, bookId);
    if (!stored) throw notFound('No maintenance book has this number');
    return this.verify(JSON.parse(stored.document));
  }

  private async againstRecords(db: EntityManager, book: BookContent): Promise<NonNullable<BookVerification['records']>> {
    const vehicle = await this.garage.vehicles.findById(db, book.vehicle.vehicleId);
    const vehicleMatches =
      vehicle !== undefined && vehicle.vin === book.vehicle.vin && vehicle.make === book.vehicle.make && vehicle.model === book.vehicle.model && vehicle.year === book.vehicle.year;
    const ids = book.entries.map((entry) => entry.workOrderId);
    const current = new Map((await this.entriesOf(db, await completedOrdersByIds(db, book.vehicle.vehicleId, ids))).map((entry) => [entry.workOrderId, entry]));
    const entries = book.entries.map((entry) => {
      const now = current.get(entry.workOrderId);
      const check: EntryCheck = !now ? 'missing' : entryKey(now) === entryKey(entry) ? 'matches' : 'changed';
      return { workOrderId: entry.workOrderId, completedOn: entry.completedOn, check };
    });
    const laterEntries = vehicle ? await completedOrdersSince(db, vehicle.id, new Date(book.issuedAt)) : 0;
    return { matches: vehicleMatches && entries.every((entry) => entry.check === 'matches'), vehicle: vehicleMatches, entries, laterEntries };
  }

  private async entriesOf(db: EntityManager, orders: CompletedOrder[]): Promise<BookEntry[]> {
    const lines = await doneLinesOf(db, orders.map((order) => order.id));
    return orders.map((order) => ({
      workOrderId: order.id,
      completedOn: order.completedAt.toISOString().slice(0, 10),
      mileageKm: order.mileageInKm,
      work: lines
        .filter((line) => line.workOrderId === order.id)
        .map((line) => ({ kind: line.kind, description: line.description, partReference: line.partReference, quantityMilli: Number(line.quantityMilli) })),
    }));
  }
}
