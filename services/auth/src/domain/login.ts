import { buildEvent } from '@ecar/contracts';
import { enqueueEvent } from '@ecar/bus';
import type { DataSource } from '@ecar/db';
import { unauthorized } from '@ecar/errors';
import { findUserByEmail, updatePasswordHash } from '../data/users.ts';
import type { PasswordHasher } from './passwords.ts';
import { PRODUCER, userActor, type ClientContext, type IssuedTokens, type SessionService } from './sessions.ts';

export interface LoginInput {
  email: string;
  password: string;
  client: 'web' | 'mobile';
}

/** One message for every failure, so the answer never tells whether an account exists. */
const INVALID_CREDENTIALS = 'Invalid e-mail or password';

export class LoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
  ) {}

  async login(input: LoginInput, client: ClientContext): Promise<IssuedTokens & { userId: string; role: string }> {
    const email = input.email.trim().toLowerCase();
    const user = await findUserByEmail(this.dataSource.manager, email);
    // Always verify a hash (a dummy one for unknown users) so timing does not reveal accounts.
    const passwordOk = await this.hasher.verify(user?.passwordHash, input.password);
    const failure = !user ? 'unknown_user' : !passwordOk ? 'bad_password' : user.status !== 'active' ? 'disabled' : undefined;

    if (failure || !user) {
      await this.dataSource.transaction((db) =>
        enqueueEvent(
          db,
          buildEvent({
            type: 'auth.login.failed',
            producer: PRODUCER,
            correlationId: client.correlationId,
            actor: { system: 'anonymous', ip: client.ip, userAgent: client.userAgent },
            subject: { type: 'user', id: user?.id ?? 'unknown', ...(user ? { ownerId: user.id } : {}) },
            data: { email, reason: failure ?? 'unknown_user' },
          }),
        ),
      );
      throw unauthorized(INVALID_CREDENTIALS);
    }

    const tokens = await this.dataSource.transaction(async (db) => {
      if (this.hasher.needsRehash(user.passwordHash)) await updatePasswordHash(db, user.id, await this.hasher.hash(input.password));
      const issued = await this.sessions.open(db, user, input.client, client);
      await enqueueEvent(
        db,
        buildEvent({
          type: 'auth.login.succeeded',
          producer: PRODUCER,
          correlationId: client.correlationId,
          actor: userActor(user, client),
          subject: { type: 'user', id: user.id, ownerId: user.id },
          data: { email, mfa: false },
        }),
      );
      return issued;
    });
    return { ...tokens, userId: user.id, role: user.role };
  }
}
