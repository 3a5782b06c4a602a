import { conflict } from '@ecar/errors';
import { amountInFrenchWords } from '../domain/french-words.ts';
import type { InvoiceView } from '../domain/queries.ts';
import type { Buyer, Seller } from '../domain/types.ts';
import { element, renderXml, type XmlNode } from './xml.ts';

/**
 * An issued invoice in the structure of TTN's TEIF ("El Fatoora", version 1.8.8), unsigned: the
 * XAdES signature (TunTrust certificate) and the submission to TTN happen outside ECAR. Codes:
 * I-01 matricule fiscal, I-02 CIN, I-11 invoice, I-31 invoice date, I-62 seller, I-64 buyer,
 * I-815 trade register, I-1601 fiscal stamp, I-1602 VAT, I-171 line amount excl. VAT,
 * I-183 unit price, I-176 total excl. VAT, I-177 taxable base, I-178 tax amount, I-180 total
 * incl. VAT (with the amount in words), I-181 total VAT, I-182 total taxable base.
 * See docs/billing.md: the export must be validated against TTN's XSD before production use.
 */
export const TEIF_VERSION = '1.8.8';

const amount = (millimes: number) => (millimes / 1000).toFixed(3);
const rate = (bp: number) => (bp % 100 === 0 ? String(bp / 100) : (bp / 100).toFixed(2).replace(/0$/, ''));
const quantity = (milli: number) => (milli % 1000 === 0 ? String(milli / 1000) : (milli / 1000).toFixed(3).replace(/0+$/, ''));

/** TEIF writes the matricule without separators: 1234567ABM000 (13) or 1234567A (8). */
export const teifTaxId = (taxId: string) => taxId.replace(/\//g, '');

function ddMMyy(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}${month}${year?.slice(2)}`;
}

function moa(code: string, millimes: number, words?: string): XmlNode {
  return element('AmountDetails', {}, [
    element('Moa', { amountTypeCode: code, currencyCodeList: 'ISO_4217' }, [
      element('Amount', { currencyIdentifier: 'TND' }, amount(millimes)),
      ...(words ? [element('AmountDescription', { lang: 'fr' }, words)] : []),
    ]),
  ]);
}

function partyIdentifier(party: { taxId?: string; cin?: string }): XmlNode {
  if (party.taxId) return element('PartnerIdentifier', { type: 'I-01' }, teifTaxId(party.taxId));
  return element('PartnerIdentifier', { type: 'I-02' }, party.cin ?? '');
}

function partner(functionCode: 'I-62' | 'I-64', party: Seller | Buyer, references: XmlNode[]): XmlNode {
  return element('PartnerDetails', { functionCode }, [
    element('Nad', {}, [
      partyIdentifier(party),
      element('PartnerName', { nameType: 'Qualification' }, party.name),
      element('PartnerAdresses', { lang: 'fr' }, [
        element('AdressDescription', {}, party.address ?? ''),
        element('Country', { codeList: 'ISO_3166-1' }, 'TN'),
      ]),
    ]),
    ...references,
  ]);
}

export function teifInvoiceXml(view: InvoiceView): string {
  const { invoice, lines, totals } = view;
  if (invoice.status !== 'issued' || !invoice.number || !invoice.issueDate || !invoice.seller) throw conflict('Only an issued invoice has a TEIF export');
  const seller = invoice.seller;
  const buyer = invoice.buyer;
  const document = element('TEIF', { controlingAgency: 'TTN', version: TEIF_VERSION }, [
    element('InvoiceHeader', {}, [
      element('MessageSenderIdentifier', { type: 'I-01' }, teifTaxId(seller.taxId)),
      element('MessageRecieverIdentifier', { type: buyer.taxId ? 'I-01' : 'I-02' }, buyer.taxId ? teifTaxId(buyer.taxId) : (buyer.cin ?? '')),
    ]),
    element('InvoiceBody', {}, [
      element('Bgm', {}, [element('DocumentIdentifier', {}, invoice.number), element('DocumentType', { code: 'I-11' }, 'Facture')]),
      element('Dtm', {}, [element('DateText', { format: 'ddMMyy', functionCode: 'I-31' }, ddMMyy(invoice.issueDate))]),
      element('PartnerSection', {}, [
        partner('I-62', seller, [element('RffSection', {}, [element('Reference', { refID: 'I-815' }, seller.tradeRegister)])]),
        partner('I-64', buyer, []),
      ]),
      element(
        'LinSection',
        {},
        lines.map((line) =>
          element('Lin', {}, [
            element('ItemIdentifier', {}, String(line.position)),
            element('LinImd', { lang: 'fr' }, [element('ItemCode', {}, `${line.kind}-${line.position}`), element('ItemDescription', {}, line.description)]),
            element('LinQty', {}, [element('Quantity', { measurementUnit: line.kind === 'labour' ? 'HUR' : 'UNIT' }, quantity(line.quantityMilli))]),
            element('LinTax', {}, [element('TaxTypeName', { code: 'I-1602' }, 'TVA'), element('TaxDetails', {}, [element('TaxRate', {}, rate(line.vatRateBp))])]),
            element('LinMoa', {}, [
              element('MoaDetails', {}, [element('Moa', { amountTypeCode: 'I-183', currencyCodeList: 'ISO_4217' }, [element('Amount', { currencyIdentifier: 'TND' }, amount(line.unitPriceMillimes))])]),
              element('MoaDetails', {}, [element('Moa', { amountTypeCode: 'I-171', currencyCodeList: 'ISO_4217' }, [element('Amount', { currencyIdentifier: 'TND' }, amount(line.amountHtMillimes))])]),
            ]),
          ]),
        ),
      ),
      element('InvoiceMoa', {}, [
        moa('I-180', totals.totalTtcMillimes, amountInFrenchWords(totals.totalTtcMillimes)),
        moa('I-176', totals.totalHtMillimes),
        moa('I-182', totals.totalHtMillimes),
        moa('I-181', totals.totalVatMillimes),
      ]),
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
