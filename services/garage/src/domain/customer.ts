export type CustomerKind = 'person' | 'company';

/** The encrypted fields of a customer (ENC-1). `nationalId` is the CIN of a person or the tax ID of a company. */
export const CUSTOMER_SEALED_FIELDS = ['phone', 'email', 'address', 'nationalId'] as const;
export type CustomerSealedField = (typeof CUSTOMER_SEALED_FIELDS)[number];

export interface Customer {
  id: string;
  userId: string | null;
  kind: CustomerKind;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  nationalId: string | null;
  consentGivenAt: Date | null;
  consentMethod: string | null;
  consentWithdrawnAt: Date | null;
  anonymisedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a technician may see of the customer of a job they are assigned to (data minimisation). */
export const TECHNICIAN_CUSTOMER_FIELDS = ['name', 'phone'] as const;
