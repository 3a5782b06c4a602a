import { installProcessHandlers } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { startGateway } from './gateway.ts';

const logger = createLogger({ service: 'gateway' });
const gateway = await startGateway(process.env, logger);
installProcessHandlers(logger, () => gateway.stop());
