import { startShell } from '../shell/createShell.tsx';
import { SignInLinks } from '../customer/SignInLinks.tsx';
import { appScreens } from './screens.ts';

void startShell({ area: 'app', screens: appScreens, signInExtras: SignInLinks });
