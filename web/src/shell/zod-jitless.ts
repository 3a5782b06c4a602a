/**
 * zod compiles object parsers with `new Function` when eval is allowed, and merely probing for it
 * is a CSP `script-src` violation here (no 'unsafe-eval'). Configured once, by the shell's first
 * import, before any schema of any screen or of @ecar/contracts parses.
 *
 * Without importing zod: `z.config()` keeps its settings in `globalThis.__zod_globalConfig`
 * (shared by every copy of zod, zod/v4/core/core.js) and adopts an object already there, so
 * setting it here is what `z.config({ jitless: true })` does, minus zod's core (~4 KB gzip) in
 * the first load, which only screens with forms need. web/test/zod-jitless.test.ts checks that
 * zod still reads it.
 */
const scope = globalThis as { __zod_globalConfig?: Record<string, unknown> };
scope.__zod_globalConfig = Object.assign(scope.__zod_globalConfig ?? {}, { jitless: true });
