import { installProcessHandlers } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { startAuditService } from './service.ts';

const logger = createLogger({ service: 'audit' });
const service = await startAuditService(process.env, logger);
installProcessHandlers(logger, () => service.stop());
