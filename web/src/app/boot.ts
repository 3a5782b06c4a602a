// The public shell's first module (its own chunk): starts the session check and the landing screen (shell/boot.ts).
import { bootShell } from '../shell/boot.ts';
import { SIGN_IN_NAMESPACES, appScreens } from './screens.ts';

bootShell('app', appScreens, { signInNamespaces: SIGN_IN_NAMESPACES });
