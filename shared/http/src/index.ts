export { createServiceApp, type ServiceApp, type ServiceAppOptions } from './app.ts';
export { errorHandler, notFoundHandler, sendProblem, type ErrorReporter } from './error-handler.ts';
export { operationalRoutes, type ReadinessCheck } from './health.ts';
export { createHttpMetrics, type HttpMetrics } from './metrics.ts';
export { requestContext } from './request-context.ts';
export { listen, installProcessHandlers, type RunningServer } from './server.ts';
export { clientInfo } from './client-info.ts';
export { clientAddress, peerIdentity, requirePeer, DEFAULT_TRUSTED_PROXY_IDENTITIES } from './client-address.ts';
