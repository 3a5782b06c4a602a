import type { InvoiceView } from '../domain/queries.ts';
import { invoiceTeifSource, teifXml } from './teif-document.ts';

export { teifTaxId } from './teif-document.ts';

/** The unsigned TEIF of an issued invoice (the export route); the signed one is kept by TeifService. */
export const teifInvoiceXml = (view: InvoiceView) => teifXml(invoiceTeifSource(view));
