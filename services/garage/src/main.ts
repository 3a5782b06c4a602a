import { installProcessHandlers } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { startGarageService } from './service.ts';

const logger = createLogger({ service: 'garage' });
const service = await startGarageService(process.env, { logger });
installProcessHandlers(logger, () => service.stop());
