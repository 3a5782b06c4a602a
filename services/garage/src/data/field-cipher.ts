import { createHmac } from 'node:crypto';
import { blindIndex, type Keyring } from '@ecar/crypto';

/** Bits kept of a search token's HMAC (docs/security/search.md: collisions on purpose, confirmed by decryption). */
export const SEARCH_TOKEN_BITS = 20;

/**
 * ENC-1 for one service: every sealed value is bound to `<table>.<column>.<row id>` (AAD), and
 * lookups go through blind indexes keyed apart from the encryption keys.
 */
export class FieldCipher {
  constructor(
    readonly keyring: Keyring,
    private readonly indexKey: Buffer,
  ) {}

  seal(table: string, column: string, rowId: string, value: string): string;
  seal(table: string, column: string, rowId: string, value: string | null | undefined): string | null;
  seal(table: string, column: string, rowId: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    return this.keyring.seal(value, `${table}.${column}.${rowId}`);
  }

  open(table: string, column: string, rowId: string, sealed: string): string;
  open(table: string, column: string, rowId: string, sealed: string | null): string | null;
  open(table: string, column: string, rowId: string, sealed: string | null): string | null {
    if (sealed === null) return null;
    return this.keyring.openText(sealed, `${table}.${column}.${rowId}`);
  }

  /** The lookup token of a (normalised) value; the context keeps equal values of different kinds apart. */
  index(context: string, value: string): string;
  index(context: string, value: string | null | undefined): string | null;
  index(context: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    return blindIndex(this.indexKey, value, context);
  }

  private readonly searchKeys = new Map<string, Buffer>();

  /**
   * The search token of a normalised term (issue 15): HMAC-SHA256 under a key derived from the
   * keyring's key `keyId` (never stored), with the kind as context, truncated to
   * SEARCH_TOKEN_BITS bits. Many terms share a token, so a token alone never proves a value.
   */
  searchToken(kind: string, term: string, keyId: string = this.keyring.currentKeyId): number {
    let key = this.searchKeys.get(keyId);
    if (!key) {
      key = this.keyring.deriveKey('garage.search.v1', keyId);
      this.searchKeys.set(keyId, key);
    }
    const digest = createHmac('sha256', key).update(`${kind}\u0000${term}`).digest();
    return digest.readUInt32BE(0) >>> (32 - SEARCH_TOKEN_BITS);
  }
}
