// Container entry point: runs the deployable this image was built for (ECAR_DEPLOYABLE), from
// the JavaScript bundle the image's compile stage produced (scripts/deploy/bundle.mjs).
import { pathToFileURL } from 'node:url';

const DEPLOYABLES = new Set(['gateway', 'services/auth', 'services/garage', 'services/billing', 'services/audit', 'services/backup', 'services/notify']);
const deployable = process.env.ECAR_DEPLOYABLE ?? '';
if (!DEPLOYABLES.has(deployable)) {
  process.stderr.write(`ECAR_DEPLOYABLE must be one of ${[...DEPLOYABLES].join(', ')} (got "${deployable}")\n`);
  process.exit(64);
}
await import(pathToFileURL(`/app/${deployable}/dist/main.mjs`).href);
