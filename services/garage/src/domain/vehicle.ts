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
  createdAt: Date;
  updatedAt: Date;
}
