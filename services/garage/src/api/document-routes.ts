import type { DocumentService } from '../domain/documents.ts';
import { DOCUMENT_TYPES } from '../domain/file-types.ts';
import { ADMIN_CUSTOMER, idOf, type GarageRoute } from './route.ts';

export function documentRoutes(documents: DocumentService): GarageRoute[] {
  return [
    {
      method: 'get',
      path: '/api/v1/documents/:id',
      roles: ADMIN_CUSTOMER,
      summary: 'Download a document: decrypted only after every chunk verified',
      async handle(req, res, caller) {
        const { document, writeTo } = await documents.download(caller, idOf(req));
        const extension = DOCUMENT_TYPES[document.contentType as keyof typeof DOCUMENT_TYPES]?.extension ?? 'bin';
        res.status(200);
        res.setHeader('Content-Type', document.contentType);
        res.setHeader('Content-Length', String(document.sizeBytes));
        res.setHeader('Content-Disposition', `attachment; filename="registration-${document.id}.${extension}"`);
        await writeTo(res);
      },
    },
  ];
}
