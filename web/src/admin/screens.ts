import type { Screen } from '../shell/screens.ts';
import { dashboardEarlyQueries } from './screens/dashboard/queries.ts';

const ADMIN = ['super-admin'] as const;

/** The back office's screens (/admin/…): add one entry per screen; order is the navigation's. */
export const adminScreens: readonly Screen[] = [
  { path: '', roles: ADMIN, namespaces: ['dashboard'], load: () => import('./screens/dashboard/DashboardScreen.tsx'), nav: { label: (t) => t('nav.dashboard') }, early: dashboardEarlyQueries },
  { path: 'customers', roles: ADMIN, namespaces: ['admin'], load: () => import('./screens/customers/CustomersScreen.tsx'), nav: { label: (t) => t('nav.customers') } },
  { path: 'customers/:id', roles: ADMIN, namespaces: ['admin'], load: () => import('./screens/customers/CustomerScreen.tsx') },
  { path: 'appointments', roles: ADMIN, namespaces: ['admin', 'planning'], load: () => import('./screens/appointments/AppointmentsScreen.tsx'), nav: { label: (t) => t('nav.appointments') } },
  { path: 'work-orders', roles: ADMIN, namespaces: ['admin'], load: () => import('./screens/work-orders/WorkOrdersScreen.tsx'), nav: { label: (t) => t('nav.workOrders') } },
  { path: 'work-orders/:id', roles: ADMIN, namespaces: ['admin', 'estimates', 'parts', 'planning'], load: () => import('./screens/work-orders/WorkOrderScreen.tsx') },
  { path: 'parts', roles: ADMIN, namespaces: ['admin', 'parts'], load: () => import('./screens/parts/PartsScreen.tsx'), nav: { label: (t) => t('nav.parts') } },
  { path: 'parts/:id', roles: ADMIN, namespaces: ['admin', 'parts'], load: () => import('./screens/parts/PartScreen.tsx') },
  { path: 'stock/low', roles: ADMIN, namespaces: ['admin', 'parts'], load: () => import('./screens/parts/LowStockScreen.tsx'), nav: { label: (t) => t('nav.lowStock') } },
  { path: 'canned-jobs', roles: ADMIN, namespaces: ['admin', 'parts'], load: () => import('./screens/parts/CannedJobsScreen.tsx'), nav: { label: (t) => t('nav.cannedJobs') } },
  { path: 'canned-jobs/:id', roles: ADMIN, namespaces: ['admin', 'parts', 'reminders'], load: () => import('./screens/parts/CannedJobScreen.tsx') },
  { path: 'purchase-orders', roles: ADMIN, namespaces: ['admin', 'parts'], load: () => import('./screens/parts/PurchaseOrdersScreen.tsx'), nav: { label: (t) => t('nav.purchaseOrders') } },
  { path: 'invoices', roles: ADMIN, namespaces: ['admin'], load: () => import('./screens/invoices/InvoicesScreen.tsx'), nav: { label: (t) => t('nav.invoices') } },
  { path: 'invoices/:id', roles: ADMIN, namespaces: ['admin', 'teif'], load: () => import('./screens/invoices/InvoiceScreen.tsx') },
  { path: 'vehicles/:id', roles: ADMIN, namespaces: ['admin', 'reminders'], load: () => import('./screens/vehicles/VehicleScreen.tsx') },
  { path: 'vehicles/:id', roles: ADMIN, namespaces: ['admin', 'book'], load: () => import('./screens/vehicles/VehicleScreen.tsx') },
  { path: 'users', roles: ADMIN, namespaces: ['admin'], load: () => import('./screens/users/UsersScreen.tsx'), nav: { label: (t) => t('nav.users') } },
  { path: 'audit', roles: ADMIN, namespaces: ['admin'], load: () => import('./screens/audit/AuditScreen.tsx'), nav: { label: (t) => t('nav.audit') } },
  { path: 'alerts', roles: ADMIN, namespaces: ['admin'], load: () => import('./screens/alerts/AlertsScreen.tsx'), nav: { label: (t) => t('nav.alerts') } },
  { path: 'backups', roles: ADMIN, namespaces: ['admin'], load: () => import('./screens/backups/BackupsScreen.tsx'), nav: { label: (t) => t('nav.backups') } },
  { path: 'messages', roles: ADMIN, namespaces: ['admin', 'notify'], load: () => import('./screens/messages/MessagesScreen.tsx'), nav: { label: (t) => t('nav.messages') } },
  { path: 'planning', roles: ADMIN, namespaces: ['admin', 'planning'], load: () => import('./screens/planning/PlanningScreen.tsx'), nav: { label: (t) => t('nav.planning') } },
  { path: 'planning/resources', roles: ADMIN, namespaces: ['admin', 'planning'], load: () => import('./screens/planning/ResourcesScreen.tsx') },
  { path: 'reminders', roles: ADMIN, namespaces: ['admin', 'reminders'], load: () => import('./screens/reminders/DueSoonScreen.tsx'), nav: { label: (t) => t('nav.reminders') } },
  { path: 'plate-claims', roles: ADMIN, namespaces: ['admin'], load: () => import('./screens/plate-claims/PlateClaimsScreen.tsx'), nav: { label: (t) => t('nav.plateClaims') } },
  { path: 'reports', roles: ADMIN, namespaces: ['admin', 'reports'], load: () => import('./screens/reports/ReportsScreen.tsx'), nav: { label: (t) => t('nav.reports') } },
];
