// Writes docs/openapi/<service>.json from each service's route table (see openapi-documents.ts).
// Run after changing a route: `npx tsx scripts/write-openapi.ts`; tests/contracts/openapi.test.ts fails until you do.
import { writeFileSync } from 'node:fs';
import { API_DOCUMENTS, documentPath, renderDocument } from './openapi-documents.ts';

for (const document of API_DOCUMENTS) {
  writeFileSync(documentPath(document.service), renderDocument(document));
  console.log(`docs/openapi/${document.service}.json`);
}
