// First: boot.ts starts the session check and the landing screen while the rest evaluates.
import './boot.ts';
import { startShell } from '../shell/createShell.tsx';
import { adminScreens } from './screens.ts';

void startShell({ area: 'admin', screens: adminScreens });
