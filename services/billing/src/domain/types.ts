/** The buyer as frozen on an invoice: name and identity (CIN for a person, matricule fiscal for a company). */
export interface Buyer {
  name: string;
  kind: 'person' | 'company';
  cin?: string;
  taxId?: string;
  address?: string;
  /** State bodies and exports do not pay the fiscal stamp. */
  stampExempt: boolean;
  /** The language printed first on their documents (default: Arabic when the name is in Arabic script, else French). */
  language?: 'fr' | 'ar';
}

/** The seller (the garage) from configuration, frozen on every issued document. */
export interface Seller {
  name: string;
  address: string;
  taxId: string;
  tradeRegister: string;
  phone?: string;
}

export type LineKind = 'labour' | 'part' | 'other';

export interface InvoiceLine {
  position: number;
  kind: LineKind;
  description: string;
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
  amountHtMillimes: number;
}

export type NewLine = Omit<InvoiceLine, 'position' | 'amountHtMillimes'>;

export interface VatBreakdownRow {
  rateBp: number;
  baseMillimes: number;
  vatMillimes: number;
}

export type PaymentMethod = 'cash' | 'card' | 'cheque' | 'transfer';

export type PaymentStatus = 'draft' | 'unpaid' | 'partially_paid' | 'paid' | 'credited';
