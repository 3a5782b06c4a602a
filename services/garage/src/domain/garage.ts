import type { DataSource } from '@ecar/db';
import type { UnitOfWork } from '@ecar/runtime';
import { CustomerStore } from '../data/customers.ts';
import type { FieldCipher } from '../data/field-cipher.ts';
import { VehicleStore } from '../data/vehicles.ts';
import { AppointmentService } from './appointments.ts';
import { CannedJobService } from './canned-jobs.ts';
import { CustomerService } from './customers.ts';
import { DocumentService } from './documents.ts';
import { EstimateService } from './estimates.ts';
import { PartService } from './parts.ts';
import { PurchaseOrderService } from './purchase-orders.ts';
import { VehicleService } from './vehicles.ts';
import { WorkOrderService } from './work-orders.ts';
import { NotificationContacts } from './notification-contacts.ts';
import { PlanningService } from './planning.ts';
import { ReminderService, type ReminderSettings } from './reminders.ts';
import { ReportReplayService } from './report-replay.ts';
import type { BookingLimits } from './booking-limits.ts';
import type { DocumentQuota } from './document-quota.ts';
import { PlateClaimService } from './plate-claims.ts';
import { CustomerSearch } from './search.ts';
import type { BookSigner } from './book-signer.ts';
import { MaintenanceBookService, type BookSettings } from './maintenance-book.ts';

export interface GarageSettings {
  documentsDir: string;
  maxDocumentBytes: number;
  slotMinutes: number;
  slotCapacity: number;
  defaultVatRateBp: number;
  reminders: ReminderSettings;
  /** Business-flow limits (issue 12, finding 5): self-service booking and document storage. */
  limits: BookingLimits & DocumentQuota;
  /** The maintenance book's signing keyring, the garage's name and the web app's public address (issue 15). */
  book: BookSettings & { signer: BookSigner };
}

/** What every use case works with: the database, the unit of work, the stores that seal and open fields, settings. */
export class GarageContext {
  readonly customers: CustomerStore;
  readonly vehicles: VehicleStore;
  /** Counter search on sealed fields (issue 15). */
  readonly search: CustomerSearch;
  /** The use cases, one per aggregate (the route table calls these). */
  readonly useCases: {
    customers: CustomerService;
    vehicles: VehicleService;
    documents: DocumentService;
    appointments: AppointmentService;
    workOrders: WorkOrderService;
    estimates: EstimateService;
    parts: PartService;
    cannedJobs: CannedJobService;
    purchaseOrders: PurchaseOrderService;
    notificationContacts: NotificationContacts;
    planning: PlanningService;
    reminders: ReminderService;
    reportReplay: ReportReplayService;
    plateClaims: PlateClaimService;
    maintenanceBook: MaintenanceBookService;
  };

  constructor(
    readonly dataSource: DataSource,
    /** Every state change: one transaction, its events in the same transaction's outbox. */
    readonly unitOfWork: UnitOfWork,
    readonly cipher: FieldCipher,
    readonly settings: GarageSettings,
  ) {
    this.customers = new CustomerStore(this.cipher);
    this.vehicles = new VehicleStore(this.cipher);
    this.search = new CustomerSearch(this);
    this.useCases = {
      customers: new CustomerService(this),
      vehicles: new VehicleService(this),
      documents: new DocumentService(this),
      appointments: new AppointmentService(this),
      workOrders: new WorkOrderService(this),
      estimates: new EstimateService(this, this.cipher),
      ...GarageContext.stock(this),
      notificationContacts: new NotificationContacts(this),
      planning: new PlanningService(this),
      reminders: new ReminderService(this, this.settings.reminders),
      reportReplay: new ReportReplayService(this),
      plateClaims: new PlateClaimService(this),
      maintenanceBook: new MaintenanceBookService(this, settings.book.signer, settings.book),
    };
  }

  /** Parts, stock, canned jobs, suppliers and purchase orders (issue 14). */
  private static stock(garage: GarageContext) {
    const parts = new PartService(garage);
    return { parts, cannedJobs: new CannedJobService(garage, parts), purchaseOrders: new PurchaseOrderService(garage, parts) };
  }
}
