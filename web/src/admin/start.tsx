// The shell itself, imported by main.tsx once boot.ts has started the session check and the landing screen.
import { startShell } from '../shell/createShell.tsx';
import { adminScreens } from './screens.ts';

void startShell({ area: 'admin', screens: adminScreens });
