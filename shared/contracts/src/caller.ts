import type { Actor, Role } from './envelope.ts';

/** The longest user agent kept anywhere (events, logs, sessions); longer ones are cut once, here. */
export const MAX_USER_AGENT_LENGTH = 512;

/**
 * Who is asking, from where, under which correlation id: all a use case knows of a request.
 * The service kit builds it once per request from the verified access token.
 */
export interface Caller {
  userId: string;
  role: Role;
  ip: string;
  /** At most MAX_USER_AGENT_LENGTH characters. */
  userAgent: string;
  correlationId: string;
  /** Recorded in the actor when known (auth's events name the account's e-mail). */
  email?: string;
}

/** Work the service does on its own: a consumer reacting to an event, a scheduled job, an anonymous sign-in attempt. */
export interface SystemCaller {
  system: string;
  correlationId: string;
  /** Where an anonymous attempt came from: recorded in the actor (audit's per-address rules read it). */
  ip?: string;
  userAgent?: string;
}

/** Whoever an event is recorded as caused by. */
export type EventAuthor = Caller | SystemCaller;

export function actorOf(author: EventAuthor): Actor {
  if ('system' in author) {
    return { system: author.system, ...(author.ip ? { ip: author.ip } : {}), ...(author.userAgent ? { userAgent: author.userAgent } : {}) };
  }
  return { userId: author.userId, role: author.role, ...(author.email ? { email: author.email } : {}), ip: author.ip, userAgent: author.userAgent };
}

export const isAdmin = (caller: Caller) => caller.role === 'super-admin';
export const isCustomer = (caller: Caller) => caller.role === 'customer';
export const isTechnician = (caller: Caller) => caller.role === 'technician';

/** Role sets routes are guarded with (AUTH-6). */
export const ADMIN = ['super-admin'] as const satisfies readonly Role[];
export const ADMIN_CUSTOMER = ['super-admin', 'customer'] as const satisfies readonly Role[];
export const ADMIN_TECHNICIAN = ['super-admin', 'technician'] as const satisfies readonly Role[];
export const TECHNICIAN = ['technician'] as const satisfies readonly Role[];
export const CUSTOMER = ['customer'] as const satisfies readonly Role[];
