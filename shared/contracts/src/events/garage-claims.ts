import { z } from 'zod';

const id = z.uuid();
const v1 = <T extends z.ZodType>(data: T) => ({ version: 1, data }) as const;

/**
 * Plate claims (issue 12, finding 5): a customer registered a plate that is already another
 * customer's vehicle; the garage accepts (the vehicle moves to the claimant) or refuses.
 * `customerId` is the claimant, `holderCustomerId` the customer the vehicle belonged to.
 */
const claimRef = z.object({ claimId: id, vehicleId: id, customerId: id, holderCustomerId: id }).strict();

export const garageClaimEvents = {
  'garage.plate_claim.opened': v1(claimRef),
  'garage.plate_claim.decided': v1(claimRef.extend({ decision: z.enum(['accepted', 'refused']) }).strict()),
} as const;
