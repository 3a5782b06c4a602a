export { field, devSecret, assertStrongSecret, FieldError, type Field, type Mode } from './fields.ts';
export { loadConfig, developmentBanner, ConfigError, type Spec, type ConfigOf, type LoadedConfig } from './load.ts';
export { commonFields, internalTlsFields, producerUsersField } from './common.ts';
