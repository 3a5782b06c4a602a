export { assertAllowedDestination, DestinationNotAllowedError, isAllowedDestination } from './allowlist.ts';
export { scrubEvent, scrubText } from './scrub.ts';
export { startErrorTracking, type ErrorTracker, type ErrorTrackingOptions } from './sentry.ts';
