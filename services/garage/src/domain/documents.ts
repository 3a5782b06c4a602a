import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileDecryptor, FileEncryptor, FileIntegrityError, newDataKey, unwrapDataKey } from '@ecar/crypto';
import { AppError, conflict, notFound, payloadTooLarge } from '@ecar/errors';
import { documentsOfVehicle, findDocument, insertDocument, type DocumentRecord } from '../data/documents.ts';
import { isCustomer, type Caller } from '@ecar/contracts';
import type { DocumentContentType } from './file-types.ts';
import { newEvent } from '@ecar/contracts';
import type { GarageContext } from './garage.ts';
import { UploadGuard } from './upload-guard.ts';
import { checkDocumentQuota, documentRoom } from './document-quota.ts';

const aadOf = (documentId: string) => `documents.data_key_sealed.${documentId}`;

/** The stored file failed authentication: altered or damaged at rest. Nothing of it is sent. */
export const documentIntegrityError = () =>
  new AppError('The stored document failed its integrity check and was not sent; the incident is logged', {
    status: 500,
    name: 'document-integrity',
    title: 'Document integrity check failed',
  });

export type DocumentView = Omit<DocumentRecord, 'storageName' | 'dataKeySealed'>;

export function documentView({ storageName: _storage, dataKeySealed: _key, ...view }: DocumentRecord): DocumentView {
  return view;
}

/**
 * The upload body through its guard, without tying the body's fate to the file pipeline: a
 * refused file must not destroy the request (the connection would reset before the 413 or 415
 * reaches the client); the route discards the rest of the body instead. A client that goes
 * away still fails the upload.
 */
function guardedBody(body: Readable, guard: UploadGuard): UploadGuard {
  const abort = () => {
    if (!body.readableEnded) guard.destroy(new Error('the upload was interrupted'));
  };
  body.once('error', abort);
  body.once('close', abort);
  guard.once('error', () => body.unpipe(guard));
  body.pipe(guard);
  return guard;
}

/** Registration documents (ENC-2): encrypted on the way in, stored under random names, verified before any byte goes out. */
export class DocumentService {
  constructor(private readonly garage: GarageContext) {}

  private pathOf(storageName: string): string {
    if (!/^[a-f0-9]{64}$/.test(storageName)) throw new Error('storage name is not one this service generated');
    return join(this.garage.settings.documentsDir, storageName);
  }

  async upload(caller: Caller, vehicleId: string, contentType: DocumentContentType, declaredBytes: number | undefined, body: Readable): Promise<DocumentView> {
    const { maxDocumentBytes, documentsDir } = this.garage.settings;
    if (declaredBytes !== undefined && declaredBytes > maxDocumentBytes) throw payloadTooLarge(`Documents are limited to ${maxDocumentBytes} bytes`);
    const vehicle = await this.garage.vehicles.find(this.garage.dataSource.manager, caller, vehicleId);
    if (!vehicle) throw notFound('Vehicle not found');

    const id = randomUUID();
    const storageName = randomBytes(32).toString('hex');
    const path = this.pathOf(storageName);
    const { key, wrapped } = newDataKey(this.garage.cipher.keyring, aadOf(id));
    const room = await documentRoom(this.garage.dataSource.manager, this.garage.settings.limits, caller, vehicle.customerId, maxDocumentBytes);
    if (declaredBytes !== undefined && declaredBytes > room) throw payloadTooLarge('Your document storage is full; ask the garage to remove a document');
    const guard = new UploadGuard(contentType, room);
    await mkdir(documentsDir, { recursive: true, mode: 0o700 });
    const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(guardedBody(body, guard), new FileEncryptor(key), file);
      if (guard.bytes === 0) throw conflict('The document is empty');
      const record: DocumentRecord = {
        id,
        vehicleId,
        customerId: vehicle.customerId,
        kind: 'registration',
        contentType,
        sizeBytes: guard.bytes,
        storageName,
        dataKeySealed: wrapped,
        uploadedBy: caller.userId,
        createdAt: new Date(),
      };
      return await this.garage.unitOfWork.run(async (db) => {
        await checkDocumentQuota(db, this.garage.settings.limits, caller, vehicle.customerId, guard.bytes);
        await insertDocument(db, record);
        const event = newEvent(caller, 'garage.document.uploaded', { type: 'document', id }, {
          vehicleId,
          customerId: vehicle.customerId,
          documentId: id,
          contentType,
          sizeBytes: guard.bytes,
        });
        return { result: documentView(record), events: [event] };
      });
    } catch (error) {
      // A refusal can come before the file is even open: the stream then opens, creates it and
      // closes. Removing it before that close would leave it behind.
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
      await unlink(path).catch(() => undefined);
      throw error;
    }
  }

  async listForVehicle(caller: Caller, vehicleId: string): Promise<DocumentView[]> {
    const db = this.garage.dataSource.manager;
    const vehicle = await this.garage.vehicles.find(db, caller, vehicleId);
    if (!vehicle) throw notFound('Vehicle not found');
    // A vehicle that changed hands (an accepted plate claim) keeps the earlier holder's papers from the new one.
    return (await documentsOfVehicle(db, vehicleId)).filter((doc) => !isCustomer(caller) || doc.customerId === vehicle.customerId).map(documentView);
  }

  /**
   * Decrypts the whole file once to verify every chunk, records the download, and only then
   * hands back a stream (which authenticates each chunk again as it goes).
   */
  async download(caller: Caller, id: string): Promise<{ document: DocumentView; writeTo: (destination: Writable) => Promise<void> }> {
    const record = await findDocument(this.garage.dataSource.manager, caller, id);
    if (!record) throw notFound('Document not found');
    const path = this.pathOf(record.storageName);
    const key = unwrapDataKey(this.garage.cipher.keyring, record.dataKeySealed, aadOf(record.id));
    try {
      await pipeline(createReadStream(path), new FileDecryptor(key), new Writable({ write: (_chunk, _encoding, done) => done() }));
    } catch (error) {
      if (error instanceof FileIntegrityError) throw documentIntegrityError();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw documentIntegrityError();
      throw error;
    }
    await this.garage.unitOfWork.run(async () => ({
      result: undefined,
      events: [
        newEvent(caller, 'garage.document.downloaded', { type: 'document', id }, { vehicleId: record.vehicleId, customerId: record.customerId, documentId: id }),
        newEvent(caller, 'garage.customer.accessed', { type: 'customer', id: record.customerId }, { customerIds: [record.customerId], fields: ['registrationDocument'], purpose: 'document' }),
      ],
    }));
    return { document: documentView(record), writeTo: (destination) => pipeline(createReadStream(path), new FileDecryptor(key), destination) };
  }
}
