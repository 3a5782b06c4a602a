import { newEvent, type Actor } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import type { UnitOfWork } from '@ecar/runtime';
import type { UserRow } from '../data/users.ts';
import { authorOf, publish } from './auth-events.ts';

type UserEventType = 'auth.user.created' | 'auth.user.updated' | 'auth.user.disabled' | 'auth.user.verified';

/** `auth.user.*` carry what consumers keep about a user (garage: customer profiles). */
export async function publishUserEvent(
  unitOfWork: UnitOfWork,
  db: EntityManager,
  type: UserEventType,
  user: Pick<UserRow, 'id' | 'email' | 'role' | 'displayName' | 'status'>,
  actor: Actor,
  correlationId: string,
  changes?: Record<string, [unknown, unknown]>,
): Promise<void> {
  const data = { userId: user.id, email: user.email, role: user.role, displayName: user.displayName };
  await publish(unitOfWork, db, newEvent(authorOf(actor, correlationId), type, { type: 'user', id: user.id, ownerId: user.id }, type === 'auth.user.updated' ? { ...data, status: user.status } : data, changes));
}
