import type { BookContent, MaintenanceBookDocument } from '../requests/garage-book.ts';

/**
 * The maintenance book's answers (issue 15), as the web app reads them. Nothing here names the
 * owner: the car (VIN, make, model, year) and the work done.
 */

/** One signing key, as GET /api/v1/public/maintenance-book/keys lists it. */
export interface PublishedBookKey {
  kid: string;
  alg: 'Ed25519';
  /** The raw 32-byte public key, base64url (the JWK `x`). */
  publicKey: string;
  /** The key books are signed with now; the others only verify older books. */
  current: boolean;
}

export type EntryCheck = 'matches' | 'changed' | 'missing';

/** POST /api/v1/public/maintenance-book/verifications, GET …/books/:bookId/verification */
export interface BookVerificationResponse {
  /** The signature is the garage's and the history still matches its records. */
  valid: boolean;
  signature: { valid: boolean; reason: 'unknown-key' | 'bad-signature' | null; kid: string; key: PublishedBookKey | null };
  /** Against the garage's records now; null when the signature already failed. */
  records: { matches: boolean; vehicle: boolean; entries: Array<{ workOrderId: string; completedOn: string; check: EntryCheck }>; laterEntries: number } | null;
  book: BookContent;
}

/** POST /api/v1/vehicles/:id/maintenance-books */
export type IssuedBookResponse = MaintenanceBookDocument & { verifyUrl: string };
