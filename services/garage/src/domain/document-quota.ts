import { isCustomer, type Caller } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { conflict, payloadTooLarge } from '@ecar/errors';
import { measureCustomerDocuments } from '../data/document-quota.ts';

/** Storage a customer may fill with their own uploads (issue 12, finding 5: the disk is not theirs to fill). */
export interface DocumentQuota {
  maxDocumentsPerCustomer: number;
  maxDocumentBytesPerCustomer: number;
}

/**
 * Before the file is read: refuses a customer at the document count, and returns how many
 * bytes this upload may still have (the upload guard stops the stream there, a 413). Staff
 * uploads are not limited (the garage files what it received on paper).
 */
export async function documentRoom(db: EntityManager, quota: DocumentQuota, caller: Caller, customerId: string, maxDocumentBytes: number): Promise<number> {
  if (!isCustomer(caller)) return maxDocumentBytes;
  const used = await measureCustomerDocuments(db, customerId, false);
  if (used.count >= quota.maxDocumentsPerCustomer) throw conflict(`You already store ${quota.maxDocumentsPerCustomer} documents; ask the garage to remove one`);
  const left = quota.maxDocumentBytesPerCustomer - used.bytes;
  if (left <= 0) throw payloadTooLarge('Your document storage is full; ask the garage to remove a document');
  return Math.min(maxDocumentBytes, left);
}

/**
 * In the transaction that records the document, under the customer's lock: parallel uploads
 * that each passed `documentRoom` cannot together go over the quota.
 */
export async function checkDocumentQuota(db: EntityManager, quota: DocumentQuota, caller: Caller, customerId: string, sizeBytes: number): Promise<void> {
  if (!isCustomer(caller)) return;
  const used = await measureCustomerDocuments(db, customerId, true);
  if (used.count >= quota.maxDocumentsPerCustomer) throw conflict(`You already store ${quota.maxDocumentsPerCustomer} documents; ask the garage to remove one`);
  if (used.bytes + sizeBytes > quota.maxDocumentBytesPerCustomer) throw payloadTooLarge('Your document storage is full; ask the garage to remove a document');
}
