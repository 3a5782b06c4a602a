import type { Screen } from '../shell/screens.ts';

const ADMIN = ['super-admin'] as const;

/** The back office's screens (/admin/…): add one entry per screen; order is the navigation's. */
export const adminScreens: readonly Screen[] = [
  { path: '', roles: ADMIN, namespaces: ['dashboard'], load: () => import('./screens/dashboard/DashboardScreen.tsx'), nav: { label: (t) => t('nav.dashboard') } },
];
