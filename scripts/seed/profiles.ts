/**
 * Dataset sizes of the garage-chain generator (issue 16). `medium` keeps the `large` proportions
 * at a tenth; `small` is the test's. Audit events are the total rows of the chain.
 */
export interface SeedProfile {
  name: string;
  customers: number;
  vehicles: number;
  workOrders: number;
  /** Issued invoices: one per delivered work order, so at most `workOrders`. */
  invoices: number;
  auditEvents: number;
  /** Customers per resumable step (one transaction per database per step). */
  chunk: number;
}

export const SEED_PROFILES: Record<string, SeedProfile> = {
  small: { name: 'small', customers: 40, vehicles: 60, workOrders: 200, invoices: 160, auditEvents: 2_000, chunk: 16 },
  medium: { name: 'medium', customers: 10_000, vehicles: 15_000, workOrders: 50_000, invoices: 40_000, auditEvents: 500_000, chunk: 250 },
  // Defined, not run on the shared 2-core machine of issue 16's first slice (hours of CPU there).
  large: { name: 'large', customers: 100_000, vehicles: 150_000, workOrders: 500_000, invoices: 400_000, auditEvents: 5_000_000, chunk: 500 },
};
