// The shell itself, imported by main.tsx once boot.ts has started the session check and the landing screen.
import { startShell } from '../shell/createShell.tsx';
import { SignInLinks } from '../customer/SignInLinks.tsx';
import { SIGN_IN_NAMESPACES, appScreens } from './screens.ts';

void startShell({ area: 'app', screens: appScreens, signInExtras: SignInLinks, signInNamespaces: SIGN_IN_NAMESPACES });
