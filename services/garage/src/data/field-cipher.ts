import { blindIndex, type Keyring } from '@ecar/crypto';

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
}
