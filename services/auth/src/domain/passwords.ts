import argon2 from 'argon2';

export interface HashingOptions {
  memoryCost: number;
  timeCost: number;
}

/** argon2id with OWASP-or-stronger parameters; `needsRehash` lets logins upgrade old hashes. */
export class PasswordHasher {
  private readonly dummyHash: Promise<string>;

  constructor(private readonly options: HashingOptions) {
    // Verifying against a real hash for unknown accounts keeps both paths equally slow.
    this.dummyHash = this.hash('ecar-timing-equaliser-not-a-password');
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, memoryCost: this.options.memoryCost, timeCost: this.options.timeCost, parallelism: 1 });
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? (await this.dummyHash), password);
    } catch {
      return false;
    }
  }

  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, { memoryCost: this.options.memoryCost, timeCost: this.options.timeCost, parallelism: 1 });
  }
}
