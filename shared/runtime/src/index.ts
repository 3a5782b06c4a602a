export type { CommonConfig, ServiceContext } from './context.ts';
export {
  defineService,
  remoteVerifier,
  runMain,
  type LoadedConfig,
  type RunningService,
  type ServiceDefinition,
  type ServiceSpec,
  type StartedService,
  type StartOptions,
} from './service.ts';
export {
  abandonBody,
  callerOf,
  mediaType,
  mountRoutes,
  paramsSchemaOf,
  pathParamNames,
  PEERS,
  peersOf,
  route,
  routeId,
  type Access,
  type ClientInfo,
  type HttpMethod,
  type Route,
  type RouteInput,
  type RouteSpec,
} from './routes.ts';
export { UnitOfWork, type UnitOfWorkOptions, type Work } from './unit-of-work.ts';
export type { Subscription } from './subscriptions.ts';
export type { Job } from './jobs.ts';
export { openApiDocument, openApiPath, operationIdOf, type ApiDescription } from './openapi.ts';
