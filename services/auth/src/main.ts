import { installProcessHandlers } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { authService } from './service.ts';

// runMain of @ecar/runtime, plus the one-time print of a generated first password.
const logger = createLogger({ service: 'auth' });
const service = await authService.start(process.env, { logger });
installProcessHandlers(logger, () => service.stop());
const { bootstrap } = service.domain;
if (bootstrap.generatedPassword) {
  // Printed once, straight to the terminal (the logger would redact it): it is stored only hashed.
  process.stdout.write(
    `\n=== First super-admin created ===\n  e-mail:   ${bootstrap.email}\n  password: ${bootstrap.generatedPassword}\n  (shown once; change it after the first login)\n\n`,
  );
}
