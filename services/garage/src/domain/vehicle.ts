export interface Vehicle {
  id: string;
  customerId: string;
  plate: string;
  vin: string | null;
  make: string;
  model: string;
  year: number;
  mileageKm: number;
  /** `YYYY-MM-DD`. */
  nextServiceDate: string | null;
  nextServiceMileageKm: number | null;
  /** Visite technique, assurance, vignette (`YYYY-MM-DD`), reminders (issue 15). */
  technicalInspectionDue: string | null;
  insuranceDue: string | null;
  vignetteDue: string | null;
  createdAt: Date;
  updatedAt: Date;
}
