import { installProcessHandlers } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { generatedPasswordNotice, writeGeneratedPassword } from './domain/bootstrap-password-file.ts';
import { authService } from './service.ts';

// runMain of @ecar/runtime, plus the one-time notice of a generated first password.
const logger = createLogger({ service: 'auth' });
const service = await authService.start(process.env, { logger });
installProcessHandlers(logger, () => service.stop());
const { bootstrap } = service.domain;
if (bootstrap.generatedPassword) {
  // Never printed or logged: written to a 0600 file, and only the file's path is shown.
  try {
    const path = await writeGeneratedPassword(service.config.BOOTSTRAP_ADMIN_PASSWORD_OUT, bootstrap.generatedPassword);
    process.stdout.write(generatedPasswordNotice(bootstrap.email, path));
  } catch (error) {
    logger.error('the generated first password could not be written; set BOOTSTRAP_ADMIN_PASSWORD(_FILE) and recreate the first super-admin', {
      path: service.config.BOOTSTRAP_ADMIN_PASSWORD_OUT,
      error,
    });
  }
}
