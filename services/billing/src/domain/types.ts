import type { BuyerResponse, InvoiceLineKind, InvoiceLineResponse, SellerResponse, VatBucketResponse } from '@ecar/contracts/responses/billing';

// What billing stores on an invoice is what clients read of it: one type each, in @ecar/contracts.

/** The buyer as frozen on an invoice: name and identity (CIN for a person, matricule fiscal for a company). */
export type Buyer = BuyerResponse;

/** The seller (the garage) from configuration, frozen on every issued document. */
export type Seller = SellerResponse;

export type LineKind = InvoiceLineKind;

export type InvoiceLine = InvoiceLineResponse;

export type NewLine = Omit<InvoiceLine, 'position' | 'amountHtMillimes'>;

export type VatBreakdownRow = VatBucketResponse;

export type { PaymentMethod, PaymentStatus } from '@ecar/contracts/responses/billing';
