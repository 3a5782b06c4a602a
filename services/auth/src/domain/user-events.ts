import { buildEvent, type Actor } from '@ecar/contracts';
import { enqueueEvent } from '@ecar/bus';
import type { EntityManager } from '@ecar/db';
import type { UserRow } from '../data/users.ts';
import { PRODUCER } from './sessions.ts';

type UserEventType = 'auth.user.created' | 'auth.user.updated' | 'auth.user.disabled' | 'auth.user.verified';

/** `auth.user.*` carry what consumers keep about a user (garage: customer profiles). */
export async function publishUserEvent(
  db: EntityManager,
  type: UserEventType,
  user: Pick<UserRow, 'id' | 'email' | 'role' | 'displayName' | 'status'>,
  actor: Actor,
  correlationId: string,
  changes?: Record<string, [unknown, unknown]>,
): Promise<void> {
  const data = { userId: user.id, email: user.email, role: user.role, displayName: user.displayName };
  await enqueueEvent(
    db,
    buildEvent({
      type,
      producer: PRODUCER,
      correlationId,
      actor,
      subject: { type: 'user', id: user.id, ownerId: user.id },
      data: type === 'auth.user.updated' ? { ...data, status: user.status } : data,
      ...(changes ? { changes } : {}),
    }),
  );
}
