import { z } from 'zod';

/**
 * zod compiles object parsers with `new Function` when eval is allowed, and merely probing for it
 * is a CSP `script-src` violation here (no 'unsafe-eval'). Configured once, by the shell's first
 * import, before any schema of any screen or of @ecar/contracts parses.
 */
z.config({ jitless: true });
