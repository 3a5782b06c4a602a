import type { Router } from 'express';
import express from 'express';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

/** Liveness, readiness (every dependency reachable) and Prometheus metrics; never routed publicly. */
export function operationalRoutes(registry: Registry, checks: ReadinessCheck[], isShuttingDown: () => boolean): Router {
  const router = express.Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const results: Record<string, 'up' | 'down'> = {};
    await Promise.all(
      checks.map(async ({ name, check }) => {
        const ok = await Promise.race([
          check().catch(() => false),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
        ]);
        results[name] = ok ? 'up' : 'down';
      }),
    );
    const ready = !isShuttingDown() && Object.values(results).every((state) => state === 'up');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks: results });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
