// The back office's first module (its own chunk): starts the session check and the landing screen (shell/boot.ts).
import { bootShell } from '../shell/boot.ts';
import { adminScreens } from './screens.ts';

bootShell('admin', adminScreens);
