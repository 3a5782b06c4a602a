/** Events published by the billing service. */
export const billingEvents = {} as const;
