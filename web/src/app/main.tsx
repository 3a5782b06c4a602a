// First: boot.ts starts the session check and the landing screen while the rest evaluates.
import './boot.ts';
import { startShell } from '../shell/createShell.tsx';
import { SignInLinks } from '../customer/SignInLinks.tsx';
import { SIGN_IN_NAMESPACES, appScreens } from './screens.ts';

void startShell({ area: 'app', screens: appScreens, signInExtras: SignInLinks, signInNamespaces: SIGN_IN_NAMESPACES });
