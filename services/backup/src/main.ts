import { installProcessHandlers } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { startBackupService } from './service.ts';

const logger = createLogger({ service: 'backup' });
const service = await startBackupService(process.env, logger);
installProcessHandlers(logger, () => service.stop());
