export type { BackoffOptions } from '@ecar/primitives';
export { BusConnection, BusNotConnectedError, type BusConnectionOptions, type ConnectedCallback } from './connection.ts';
export { outboxMigrations } from './schema.ts';
export { enqueueEvent, enqueueEvents, GroupedOutboxWriter, OUTBOX_NOTIFY_CHANNEL } from './outbox.ts';
export { OutboxRelay, type OutboxRelayOptions } from './relay.ts';
export { InboxConsumer, type InboxConsumerOptions } from './consumer.ts';
export { EphemeralSubscription, type EphemeralSubscriptionOptions } from './ephemeral-subscription.ts';
export type { EventHandler } from './inbox.ts';
export type { BatchEventHandler } from './batch-inbox.ts';
export {
  ATTEMPTS_HEADER,
  DEAD_LETTER_REASON_HEADER,
  LAST_ERROR_HEADER,
  type DeadLetterReason,
} from './forwarding.ts';
export type { RejectionReason } from './envelope-decoder.ts';
export {
  allConsumerQueues,
  consumerQueueNames,
  DEFAULT_EXCHANGE,
  type ConsumerQueueNames,
} from './topology.ts';
export { busMetrics, type BusMetrics, type ConsumeOutcome } from './metrics.ts';
export { RevokedSessions, SessionDenyList, type RevokedSession, type RevokedSessionsOptions } from './revoked-sessions.ts';
