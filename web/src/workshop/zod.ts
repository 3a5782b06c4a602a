import { z } from 'zod';

import '../shell/zod-jitless.ts';

/** Every form of these screens takes `z` from here: zod configured without its eval probe (CSP). */

export { z };
