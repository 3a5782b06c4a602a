import { z } from 'zod';

/**
 * zod probes `new Function('')` to decide whether it may compile parsers; under the app's CSP
 * (no 'unsafe-eval') that probe is reported as a securitypolicyviolation even though zod
 * catches it. jitless skips the probe. Every form of these screens takes `z` from here.
 */
z.config({ jitless: true });

export { z };
