import type { Actor, EventAuthor, NewEvent } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import type { UnitOfWork } from '@ecar/runtime';

/**
 * The author of an auth event: its actor as auth records it (a user's e-mail, where an anonymous
 * attempt came from: audit's per-address rules read it), under the request's correlation id.
 */
export function authorOf(actor: Actor, correlationId: string): EventAuthor {
  if ('system' in actor) return { ...actor, correlationId };
  return { userId: actor.userId, role: actor.role, ip: actor.ip ?? '', userAgent: actor.userAgent ?? '', ...(actor.email ? { email: actor.email } : {}), correlationId };
}

/** Puts events into the outbox of the transaction of `db` through the unit of work (auth as producer). */
export async function publish(unitOfWork: UnitOfWork, db: EntityManager, ...events: NewEvent[]): Promise<void> {
  await unitOfWork.within(db, async () => ({ result: undefined, events }));
}

/** A transaction of the unit of work whose events its steps publish themselves (`publish`), often several deep. */
export function inTransaction<T>(unitOfWork: UnitOfWork, work: (db: EntityManager) => Promise<T>): Promise<T> {
  return unitOfWork.run(async (db) => ({ result: await work(db), events: [] }));
}
