import type { Namespace } from '../shell/i18n/namespaces.ts';
import type { Screen } from '../shell/screens.ts';

const publicPage = (name: 'SignUpScreen' | 'VerifyEmailScreen' | 'ForgotPasswordScreen' | 'ResetPasswordScreen' | 'SignedOutScreen' | 'ResendVerificationScreen') => () =>
  import('../customer/PublicPages.tsx').then((module) => ({ default: module[name] }));

/** What shows under the sign-in form (customer/SignInLinks.tsx) translates with these. */
export const SIGN_IN_NAMESPACES = ['signup'] as const satisfies readonly Namespace[];

/** The technician and customer screens (/app/…): add one entry per screen; order is the navigation's. */
export const appScreens: readonly Screen[] = [
  { path: '', roles: ['technician', 'customer'], styles: 'shell', load: () => import('./screens/home/HomeScreen.tsx'), nav: { label: (t) => t('nav.home') } },
  // Technicians (tablet first).
  { path: 'jobs', roles: ['technician'], namespaces: ['technician', 'workshop'], load: () => import('../technician/JobsScreen.tsx'), nav: { label: (t) => t('selfNav.jobs') } },
  { path: 'jobs/:id', roles: ['technician'], namespaces: ['technician', 'workshop'], load: () => import('../technician/JobScreen.tsx') },
  // Customers (phone first).
  { path: 'repairs', roles: ['customer'], namespaces: ['customer', 'workshop'], load: () => import('../customer/RepairsScreen.tsx'), nav: { label: (t) => t('selfNav.repairs') } },
  { path: 'repairs/:id', roles: ['customer'], namespaces: ['customer', 'workshop', 'estimates'], load: () => import('../customer/RepairScreen.tsx') },
  { path: 'appointments', roles: ['customer'], namespaces: ['customer'], load: () => import('../customer/AppointmentsScreen.tsx'), nav: { label: (t) => t('selfNav.appointments') } },
  { path: 'vehicles', roles: ['customer'], namespaces: ['customer'], load: () => import('../customer/VehiclesScreen.tsx'), nav: { label: (t) => t('selfNav.vehicles') } },
  { path: 'vehicles/:id', roles: ['customer'], namespaces: ['customer', 'workshop', 'reminders', 'book'], load: () => import('../customer/VehicleScreen.tsx') },
  { path: 'invoices', roles: ['customer'], namespaces: ['customer'], load: () => import('../customer/InvoicesScreen.tsx'), nav: { label: (t) => t('selfNav.invoices') } },
  { path: 'invoices/:id', roles: ['customer'], namespaces: ['customer', 'workshop'], load: () => import('../customer/InvoiceScreen.tsx') },
  { path: 'account', roles: ['customer'], namespaces: ['customer'], load: () => import('../customer/AccountScreen.tsx'), nav: { label: (t) => t('selfNav.account') } },
  { path: 'notifications', roles: ['customer'], namespaces: ['notify'], load: () => import('../customer/NotificationsScreen.tsx'), nav: { label: (t) => t('selfNav.notifications') } },
  // Issue 15: who read my data (audit's records about the customer).
  { path: 'privacy', roles: ['customer'], namespaces: ['book'], load: () => import('../customer/AccessLogScreen.tsx'), nav: { label: (t) => t('selfNav.privacy') } },
  // Account links from e-mails and the sign-in page (no session).
  { path: 'sign-up', roles: 'public', namespaces: ['signup'], load: publicPage('SignUpScreen') },
  { path: 'verify-email', roles: 'public', namespaces: ['signup'], load: publicPage('VerifyEmailScreen') },
  { path: 'forgot-password', roles: 'public', namespaces: ['signup'], load: publicPage('ForgotPasswordScreen') },
  { path: 'reset-password', roles: 'public', namespaces: ['signup'], load: publicPage('ResetPasswordScreen') },
  { path: 'signed-out', roles: 'public', namespaces: ['signup'], load: publicPage('SignedOutScreen') },
  // Issue 12 finding 6: the confirmation e-mail sent again.
  { path: 'resend-verification', roles: 'public', namespaces: ['signup'], load: publicPage('ResendVerificationScreen') },
  // Issue 15: a buyer checks a maintenance book (pasted, chosen, or opened from its QR code).
  { path: 'verify-book', roles: 'public', namespaces: ['book', 'signup'], load: () => import('../customer/VerifyBookScreen.tsx') },
];
