import { ADMIN_CUSTOMER } from '@ecar/contracts';
import { maintenanceBookDocument } from '@ecar/contracts/requests/garage-book';
import { route, type Route } from '@ecar/runtime';
import type { MaintenanceBookService } from '../domain/maintenance-book.ts';

/**
 * The verifiable maintenance book (issue 15). Staff and the vehicle's owner issue and download a
 * book; anyone may fetch the public keys and verify a book (the gateway rate-limits that prefix
 * per address, and the JSON body limit of the kit bounds an upload).
 */
export function maintenanceBookRoutes(books: MaintenanceBookService): Route[] {
  return [
    route({
      method: 'post',
      path: '/api/v1/vehicles/:id/maintenance-books',
      roles: ADMIN_CUSTOMER,
      success: 201,
      summary: 'Issue the vehicle’s maintenance book now: its completed work, signed with the garage’s Ed25519 key (no owner data, no prices)',
      async handle({ caller, params }) {
        const document = await books.issue(caller, params.id);
        return { ...document, verifyUrl: books.verifyUrl(document.book.bookId) };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/vehicles/:id/maintenance-books/:bookId',
      roles: ADMIN_CUSTOMER,
      produces: ['application/json'],
      summary: 'A maintenance book issued for the vehicle, as signed (a file to hand to a buyer)',
      async handle({ caller, params, res }) {
        const { json } = await books.issued(caller, params.id, params.bookId);
        res.setHeader('Content-Disposition', `attachment; filename="carnet-${params.bookId}.json"`);
        res.type('application/json').send(json);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/vehicles/:id/maintenance-books/:bookId/pdf',
      roles: ADMIN_CUSTOMER,
      produces: ['application/pdf'],
      summary: 'A maintenance book as PDF: the history, the signature, a QR code to the public verification page, the signed JSON attached',
      async handle({ caller, params, res }) {
        const pdf = await books.pdf(caller, params.id, params.bookId);
        res.setHeader('Cache-Control', 'private, no-store');
        res.setHeader('Content-Disposition', `attachment; filename="carnet-${params.bookId}.pdf"`);
        res.type('application/pdf').send(pdf);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/public/maintenance-book/keys',
      roles: 'public',
      summary: 'The public keys that sign maintenance books (Ed25519, raw key base64url), the current one marked',
      async handle() {
        return { keys: books.keys() };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/public/maintenance-book/verifications',
      roles: 'public',
      body: maintenanceBookDocument,
      summary: 'Verify an uploaded maintenance book: signature, key, and whether the history still matches the garage’s records (no personal data)',
      async handle({ req }) {
        return books.verify(req.body);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/public/maintenance-book/books/:bookId/verification',
      roles: 'public',
      summary: 'Verify a maintenance book by its number (what the QR code of a printed book opens)',
      async handle({ params }) {
        return books.verifyIssued(params.bookId);
      },
    }),
  ];
}
