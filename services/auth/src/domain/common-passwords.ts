import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * Django's list of the 20,000 most common passwords (lower-cased, de-duplicated), shipped with
 * the code; services/auth/scripts/build-common-passwords.sh tells where it comes from.
 */
export const DEFAULT_COMMON_PASSWORDS_FILE = new URL('../../resources/common-passwords.txt.gz', import.meta.url);

export class CommonPasswords {
  private constructor(private readonly entries: ReadonlySet<string>) {}

  static load(file: URL | string = DEFAULT_COMMON_PASSWORDS_FILE): CommonPasswords {
    const raw = readFileSync(file);
    const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    return new CommonPasswords(new Set(text.split('\n').map((line) => line.trim()).filter(Boolean)));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Django compares the lower-cased, stripped password. */
  has(password: string): boolean {
    return this.entries.has(password.toLowerCase().trim());
  }
}
