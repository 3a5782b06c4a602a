import { ADMIN_CUSTOMER } from '@ecar/contracts';
import { route, type Route } from '@ecar/runtime';
import type { DocumentService } from '../domain/documents.ts';
import { DOCUMENT_TYPES } from '../domain/file-types.ts';

export function documentRoutes(documents: DocumentService): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/documents/:id',
      roles: ADMIN_CUSTOMER,
      produces: Object.keys(DOCUMENT_TYPES),
      summary: 'Download a document: decrypted only after every chunk verified',
      async handle({ caller, params, res }) {
        const { document, writeTo } = await documents.download(caller, params.id);
        const extension = DOCUMENT_TYPES[document.contentType as keyof typeof DOCUMENT_TYPES]?.extension ?? 'bin';
        res.status(200);
        res.setHeader('Content-Type', document.contentType);
        res.setHeader('Content-Length', String(document.sizeBytes));
        res.setHeader('Content-Disposition', `attachment; filename="registration-${document.id}.${extension}"`);
        await writeTo(res);
      },
    }),
  ];
}
