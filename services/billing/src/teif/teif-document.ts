import { conflict } from '@ecar/errors';
import type { CreditNoteRow } from '../data/credit-notes.ts';
import type { InvoiceRow } from '../data/invoices.ts';
import { amountInArabicWords } from '../domain/arabic-words.ts';
import { amountInFrenchWords } from '../domain/french-words.ts';
import type { InvoiceView } from '../domain/queries.ts';
import type { Totals } from '../domain/totals.ts';
import type { Buyer, LineKind, Seller } from '../domain/types.ts';
import { element, renderXml, type XmlNode } from './xml.ts';

/**
 * Issued invoices and credit notes in the structure of TTN's TEIF ("El Fatoora") version 1.8.8
 * (docs/billing.md names the document and what this file follows). Codes used: I-01 matricule
 * fiscal, I-02 CIN, I-11 invoice, I-12 credit note, I-31 date of issue, I-62 seller, I-64 buyer,
 * I-815 trade register, I-88 reference of the corrected invoice, I-1601 fiscal stamp, I-1602 VAT,
 * I-171 line amount excl. VAT, I-183 unit price, I-176 total excl. VAT, I-177 taxable base,
 * I-178 tax amount, I-180 total incl. VAT (with the amount in words, French and Arabic),
 * I-181 total VAT, I-182 total taxable base. Every document is checked against
 * `teif-1.8.8.xsd` (schema-validation.ts) before it is signed.
 */
export const TEIF_VERSION = '1.8.8';

export type TeifDocumentKind = 'invoice' | 'credit-note';

/** What a TEIF document says, whichever fiscal document it comes from. */
export interface TeifSource {
  kind: TeifDocumentKind;
  number: string;
  issueDate: string;
  seller: Seller;
  buyer: Buyer;
  lines: Array<{ kind: LineKind; description: string; quantityMilli: number; unitPriceMillimes: number; vatRateBp: number; amountHtMillimes: number }>;
  totals: Totals;
  /** A credit note names the invoice it corrects. */
  corrects?: { number: string; issueDate: string };
}

const amount = (millimes: number) => (millimes / 1000).toFixed(3);
const rate = (bp: number) => (bp % 100 === 0 ? String(bp / 100) : (bp / 100).toFixed(2).replace(/0$/, ''));
const quantity = (milli: number) => (milli % 1000 === 0 ? String(milli / 1000) : (milli / 1000).toFixed(3).replace(/0+$/, ''));

/** TEIF writes the matricule without separators: 1234567ABM000. */
export const teifTaxId = (taxId: string) => taxId.replace(/\//g, '');

/** The file name TTN expects: TEIF_<seller matricule>_<document number>.xml. */
export const teifFileName = (sellerTaxId: string, number: string) => `TEIF_${teifTaxId(sellerTaxId)}_${number}.xml`;

function ddMMyy(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}${month}${year?.slice(2)}`;
}

const dateText = (isoDate: string) => element('DateText', { format: 'ddMMyy', functionCode: 'I-31' }, ddMMyy(isoDate));

function moa(code: string, millimes: number, spelled = false): XmlNode {
  return element('AmountDetails', {}, [
    element('Moa', { amountTypeCode: code, currencyCodeList: 'ISO_4217' }, [
      element('Amount', { currencyIdentifier: 'TND' }, amount(millimes)),
      ...(spelled ? [element('AmountDescription', { lang: 'fr' }, amountInFrenchWords(millimes)), element('AmountDescription', { lang: 'ar' }, amountInArabicWords(millimes))] : []),
    ]),
  ]);
}

function partyIdentifier(tag: string, party: { taxId?: string; cin?: string }): XmlNode {
  if (party.taxId) return element(tag, { type: 'I-01' }, teifTaxId(party.taxId));
  return element(tag, { type: 'I-02' }, party.cin ?? '');
}

function partner(functionCode: 'I-62' | 'I-64', party: Seller | Buyer, references: XmlNode[]): XmlNode {
  return element('PartnerDetails', { functionCode }, [
    element('Nad', {}, [
      partyIdentifier('PartnerIdentifier', party),
      element('PartnerName', { nameType: 'Qualification' }, party.name),
      element('PartnerAdresses', { lang: 'fr' }, [element('AdressDescription', {}, party.address ?? ''), element('Country', { codeList: 'ISO_3166-1' }, 'TN')]),
    ]),
    ...references,
  ]);
}

function lineElement(line: TeifSource['lines'][number], position: number): XmlNode {
  const price = (code: string, millimes: number) =>
    element('MoaDetails', {}, [element('Moa', { amountTypeCode: code, currencyCodeList: 'ISO_4217' }, [element('Amount', { currencyIdentifier: 'TND' }, amount(millimes))])]);
  return element('Lin', {}, [
    element('ItemIdentifier', {}, String(position)),
    element('LinImd', { lang: 'fr' }, [element('ItemCode', {}, `${line.kind}-${position}`), element('ItemDescription', {}, line.description)]),
    element('LinQty', {}, [element('Quantity', { measurementUnit: line.kind === 'labour' ? 'HUR' : 'UNIT' }, quantity(line.quantityMilli))]),
    element('LinTax', {}, [element('TaxTypeName', { code: 'I-1602' }, 'TVA'), element('TaxDetails', {}, [element('TaxRate', {}, rate(line.vatRateBp))])]),
    element('LinMoa', {}, [price('I-183', line.unitPriceMillimes), price('I-171', line.amountHtMillimes)]),
  ]);
}

/** The TEIF XML of an issued document, unsigned (xades.ts signs it). */
export function teifXml(source: TeifSource): string {
  const { seller, buyer, totals } = source;
  const document = element('TEIF', { controlingAgency: 'TTN', version: TEIF_VERSION }, [
    element('InvoiceHeader', {}, [partyIdentifier('MessageSenderIdentifier', seller), partyIdentifier('MessageRecieverIdentifier', buyer)]),
    element('InvoiceBody', {}, [
      element('Bgm', {}, [
        element('DocumentIdentifier', {}, source.number),
        source.kind === 'invoice' ? element('DocumentType', { code: 'I-11' }, 'Facture') : element('DocumentType', { code: 'I-12' }, "Facture d'avoir"),
      ]),
      element('Dtm', {}, [dateText(source.issueDate)]),
      element('PartnerSection', {}, [
        partner('I-62', seller, [element('RffSection', {}, [element('Reference', { refID: 'I-815' }, seller.tradeRegister)])]),
        partner('I-64', buyer, []),
      ]),
      ...(source.corrects
        ? [element('RffSection', {}, [element('Reference', { refID: 'I-88' }, source.corrects.number), element('ReferenceDate', {}, [dateText(source.corrects.issueDate)])])]
        : []),
      element('LinSection', {}, source.lines.map((line, index) => lineElement(line, index + 1))),
      element('InvoiceMoa', {}, [moa('I-180', totals.totalTtcMillimes, true), moa('I-176', totals.totalHtMillimes), moa('I-182', totals.totalHtMillimes), moa('I-181', totals.totalVatMillimes)]),
      element('InvoiceTax', {}, [
        element('InvoiceTaxDetails', {}, [
          element('Tax', {}, [element('TaxTypeName', { code: 'I-1601' }, 'droit de timbre'), element('TaxDetails', {}, [element('TaxRate', {}, '0')])]),
          moa('I-178', totals.stampMillimes),
        ]),
        ...totals.vat.map((bucket) =>
          element('InvoiceTaxDetails', {}, [
            element('Tax', {}, [element('TaxTypeName', { code: 'I-1602' }, `TVA ${rate(bucket.rateBp)}`), element('TaxDetails', {}, [element('TaxRate', {}, rate(bucket.rateBp))])]),
            moa('I-177', bucket.baseMillimes),
            moa('I-178', bucket.vatMillimes),
          ]),
        ),
      ]),
    ]),
  ]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderXml(document)}\n`;
}

export function invoiceTeifSource(view: Pick<InvoiceView, 'invoice' | 'lines' | 'totals'>): TeifSource {
  const { invoice, lines, totals } = view;
  if (invoice.status !== 'issued' || !invoice.number || !invoice.issueDate || !invoice.seller) throw conflict('Only an issued invoice has a TEIF document');
  return { kind: 'invoice', number: invoice.number, issueDate: invoice.issueDate, seller: invoice.seller, buyer: invoice.buyer, lines, totals };
}

export function creditNoteTeifSource(note: CreditNoteRow, invoice: InvoiceRow): TeifSource {
  return {
    kind: 'credit-note',
    number: note.number,
    issueDate: note.issueDate,
    seller: note.seller,
    buyer: note.buyer,
    lines: note.lines.map((line) => ({ ...line, kind: 'other' as const })),
    totals: { vat: note.vatBreakdown, totalHtMillimes: note.totalHt, totalVatMillimes: note.totalVat, stampMillimes: note.stamp, totalTtcMillimes: note.totalTtc },
    corrects: { number: invoice.number!, issueDate: invoice.issueDate! },
  };
}
