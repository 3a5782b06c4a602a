import argon2 from 'argon2';
import { serviceUnavailable } from '@ecar/errors';
import { Semaphore } from '@ecar/primitives';

export interface HashingOptions {
  memoryCost: number;
  timeCost: number;
  /** Hashes running at once; the others queue (a login burst must not starve other requests). */
  maxConcurrent: number;
  maxQueued: number;
}

/**
 * At most `permits` hashes at once, `maxQueue` waiting; beyond that a 503 at once rather than
 * memory and latency piling up.
 */
export function hashingGate(permits: number, maxQueue: number): Semaphore {
  return new Semaphore(permits, { maxQueue, onFull: () => serviceUnavailable('Too many sign-ins in progress; try again shortly', 2) });
}

/** argon2id with OWASP-or-stronger parameters; `needsRehash` lets logins upgrade old hashes. */
export class PasswordHasher {
  private readonly dummyHash: Promise<string>;
  private readonly gate: Semaphore;

  constructor(private readonly options: HashingOptions) {
    this.gate = hashingGate(options.maxConcurrent, options.maxQueued);
    // Verifying against a real hash for unknown accounts keeps both paths equally slow.
    this.dummyHash = this.hash('ecar-timing-equaliser-not-a-password');
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() =>
      argon2.hash(password, { type: argon2.argon2id, memoryCost: this.options.memoryCost, timeCost: this.options.timeCost, parallelism: 1 }),
    );
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const target = hash ?? (await this.dummyHash);
    return this.gate.run(async () => {
      try {
        return await argon2.verify(target, password);
      } catch {
        return false;
      }
    });
  }

  /** True when `password` matches any of `hashes` (password history). */
  async matchesAny(hashes: readonly string[], password: string): Promise<boolean> {
    for (const hash of hashes) if (await this.verify(hash, password)) return true;
    return false;
  }

  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, { memoryCost: this.options.memoryCost, timeCost: this.options.timeCost, parallelism: 1 });
  }
}
