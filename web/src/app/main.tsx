import { startShell } from '../shell/createShell.tsx';
import { appScreens } from './screens.ts';

void startShell({ area: 'app', screens: appScreens });
