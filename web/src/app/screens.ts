import type { Screen } from '../shell/screens.ts';

/** The technician and customer screens (/app/…): add one entry per screen; order is the navigation's. */
export const appScreens: readonly Screen[] = [
  { path: '', roles: ['technician', 'customer'], load: () => import('./screens/home/HomeScreen.tsx'), nav: { label: (t) => t('nav.home') } },
];
