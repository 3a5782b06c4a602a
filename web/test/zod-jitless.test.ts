import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

describe('zod-jitless: the shell turns zod JIT off without importing zod', () => {
  it('zod, loaded after it, reads jitless from the shared global configuration', async () => {
    await import('../src/shell/zod-jitless.ts');
    const { z } = await import('zod');
    assert.equal(z.config().jitless, true);
    // And so object parsing never probes `new Function` (the CSP violation the setting avoids).
    const probe = globalThis.Function;
    let constructed = 0;
    globalThis.Function = new Proxy(probe, { construct: (target, args) => ((constructed += 1), Reflect.construct(target, args)) }) as FunctionConstructor;
    try {
      assert.deepEqual(z.object({ name: z.string() }).parse({ name: 'Amira' }), { name: 'Amira' });
    } finally {
      globalThis.Function = probe;
    }
    assert.equal(constructed, 0);
  });
});
