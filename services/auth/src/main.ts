import { installProcessHandlers } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { startAuthService } from './service.ts';

const logger = createLogger({ service: 'auth' });
const service = await startAuthService(process.env, logger);
installProcessHandlers(logger, () => service.stop());
if (service.bootstrap.generatedPassword) {
  // Printed once, straight to the terminal (the logger would redact it): it is stored only hashed.
  process.stdout.write(
    `\n=== First super-admin created ===\n  e-mail:   ${service.bootstrap.email}\n  password: ${service.bootstrap.generatedPassword}\n  (shown once; change it after the first login)\n\n`,
  );
}
