import { installProcessHandlers } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { startBillingService } from './service.ts';

const logger = createLogger({ service: 'billing' });
const service = await startBillingService(process.env, logger);
installProcessHandlers(logger, () => service.stop());
