/**
 * The billing service's answers as clients read them (JSON: instants are ISO strings). One place
 * for the web app's types; services/billing/src/api/present.ts builds each answer as one of these
 * (and billing's domain types for buyer, seller, lines and VAT are these),
 * so the type check fails when what the service sends and what the web app reads drift apart.
 * Types only: nothing here reaches a bundle.
 */

export type InvoiceStatus = 'draft' | 'issued';
export type InvoiceOrigin = 'work_order' | 'manual';
export type PaymentStatus = 'draft' | 'unpaid' | 'partially_paid' | 'paid' | 'credited';
export type PaymentMethod = 'cash' | 'card' | 'cheque' | 'transfer';
export type InvoiceLineKind = 'labour' | 'part' | 'other';

/** The buyer as frozen on an invoice: name and identity (CIN for a person, matricule fiscal for a company). */
export interface BuyerResponse {
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

/** The garage as frozen on an issued document (null on a draft). */
export interface SellerResponse {
  name: string;
  address: string;
  taxId: string;
  tradeRegister: string;
  phone?: string;
}

export interface InvoiceLineResponse {
  position: number;
  kind: InvoiceLineKind;
  description: string;
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
  amountHtMillimes: number;
}

export interface VatBucketResponse {
  rateBp: number;
  baseMillimes: number;
  vatMillimes: number;
}

/** A row of GET /api/v1/invoices. */
export interface InvoiceSummaryResponse {
  id: string;
  status: InvoiceStatus;
  number: string | null;
  issueDate: string | null;
  origin: InvoiceOrigin;
  workOrderId: string | null;
  /** `OR-2026-000123` (null for manual invoices and invoices drafted before numbers). */
  workOrderNumber: string | null;
  ownerUserId: string | null;
  buyerName: string;
  /** Null for drafts (their totals are computed when read one by one). */
  totalTtcMillimes: number | null;
  createdAt: string;
}

/** GET /api/v1/invoices/:id (and the answer of every change to an invoice). */
export interface InvoiceResponse {
  id: string;
  status: InvoiceStatus;
  paymentStatus: PaymentStatus;
  number: string | null;
  issueDate: string | null;
  origin: InvoiceOrigin;
  workOrderId: string | null;
  workOrderNumber: string | null;
  customerId: string | null;
  ownerUserId: string | null;
  seller: SellerResponse | null;
  buyer: BuyerResponse;
  vehicle: { plate: string; vin?: string; description: string } | null;
  lines: InvoiceLineResponse[];
  vat: VatBucketResponse[];
  totals: {
    htMillimes: number;
    vatMillimes: number;
    stampMillimes: number;
    ttcMillimes: number;
    ttcFormatted: string;
    ttcInWords: string;
    /** Drafts: as if issued today; issued: frozen. */
    provisional: boolean;
  };
  balance: {
    paidMillimes: number;
    creditedMillimes: number;
    balanceMillimes: number;
    creditableMillimes: number;
    balanceFormatted: string;
  };
  createdAt: string;
  updatedAt: string;
}

/** A row of GET /api/v1/invoices/:id/payments (and the answer of recording or reversing one). */
export interface PaymentResponse {
  id: string;
  invoiceId: string;
  method: PaymentMethod;
  amountMillimes: number;
  amountFormatted: string;
  chequeNumber: string | null;
  chequeBank: string | null;
  transferReference: string | null;
  cardReference: string | null;
  receivedOn: string;
  recordedAt: string;
  reversed: boolean;
  reversal: { reason: string; reversedAt: string } | null;
}

/** A credit note (GET /api/v1/credit-notes/:id, rows of an invoice's credit notes). */
export interface CreditNoteResponse {
  id: string;
  invoiceId: string;
  number: string;
  issueDate: string;
  reason: string;
  seller: SellerResponse;
  buyer: BuyerResponse;
  lines: Array<{ description: string; quantityMilli: number; unitPriceMillimes: number; vatRateBp: number; amountHtMillimes: number }>;
  vat: VatBucketResponse[];
  totals: { htMillimes: number; vatMillimes: number; stampMillimes: number; ttcMillimes: number; ttcFormatted: string; ttcInWords: string };
  closesInvoice: boolean;
}
