// What each role may open in the portal (AUTH-5, front end). The services enforce the same rules
// on every request (AUTH-6); hiding is for the user, checking is for security.
export const SECTIONS = [
  { id: 'work-orders', label: 'Ordres de réparation', path: '/api/v1/work-orders', roles: ['super-admin', 'technician', 'customer'] },
  { id: 'customers', label: 'Clients', path: '/api/v1/customers', roles: ['super-admin'] },
  { id: 'vehicles', label: 'Véhicules', path: '/api/v1/vehicles', roles: ['super-admin', 'customer'] },
  { id: 'appointments', label: 'Rendez-vous', path: '/api/v1/appointments', roles: ['super-admin', 'customer'] },
  { id: 'invoices', label: 'Factures', path: '/api/v1/invoices', roles: ['super-admin', 'customer'] },
  { id: 'users', label: 'Utilisateurs', path: '/api/v1/users', roles: ['super-admin'] },
  { id: 'audit', label: "Journal d'audit", path: '/api/v1/audit/events', roles: ['super-admin'] },
  { id: 'alerts', label: 'Alertes', path: '/api/v1/audit/alerts', roles: ['super-admin'] },
  { id: 'backups', label: 'Sauvegardes', path: '/api/v1/backups', roles: ['super-admin'] },
];

export function sectionsFor(role) {
  return SECTIONS.filter((section) => section.roles.includes(role));
}
