import { startShell } from '../shell/createShell.tsx';
import { adminScreens } from './screens.ts';

void startShell({ area: 'admin', screens: adminScreens });
