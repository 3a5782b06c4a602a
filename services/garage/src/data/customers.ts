import type { EntityManager } from '@ecar/db';
import type { Caller } from '@ecar/contracts';
import type { Customer, CustomerSealedField } from '../domain/customer.ts';
import type { FieldCipher } from './field-cipher.ts';
import { customerReach, Params } from './scope.ts';
import { indexCustomer } from './search-index.ts';

const TABLE = 'customers';
/** Fields sealed together: lists open only the contact group. */
const GROUPS = {
  contact_sealed: ['phone', 'email'],
  identity_sealed: ['address', 'nationalId'],
} as const satisfies Record<string, readonly CustomerSealedField[]>;
type GroupColumn = keyof typeof GROUPS;
const GROUP_COLUMNS = Object.keys(GROUPS) as GroupColumn[];

/** The columns `decode` reads, of `customers c` (the search selects them with its candidates). */
export const CUSTOMER_COLUMNS = `c.id, c.user_id, c.kind, c.name, c.name_sealed, c.contact_sealed, c.identity_sealed,
  c.consent_given_at, c.consent_method, c.consent_withdrawn_at, c.anonymised_at, c.created_at, c.updated_at`;

type Row = Record<string, unknown>;

/** Blind-index contexts: the same value as e-mail and as phone gives different tokens. */
export const INDEX = { phone: 'customers.phone', email: 'customers.email', nationalId: 'customers.national_id' } as const;

export class CustomerStore {
  constructor(private readonly cipher: FieldCipher) {}

  /**
   * A row of `CUSTOMER_COLUMNS` as a customer. Opens only the groups holding `fields`, and returns
   * only `fields` (a technician's view needs the phone, not the CIN).
   */
  decode(row: Row, fields: readonly CustomerSealedField[]): Customer {
    const id = String(row['id']);
    const opened: Partial<Record<CustomerSealedField, string | null>> = {};
    for (const column of GROUP_COLUMNS) {
      const members: readonly CustomerSealedField[] = GROUPS[column];
      const sealed = (row[column] as string | null) ?? null;
      if (sealed === null || !members.some((field) => fields.includes(field))) continue;
      const values = JSON.parse(this.cipher.open(TABLE, column, id, sealed)) as Record<string, string | null>;
      for (const field of members) if (fields.includes(field)) opened[field] = values[field] ?? null;
    }
    return {
      id,
      userId: (row['user_id'] as string | null) ?? null,
      kind: row['kind'] as Customer['kind'],
      // Sealed since GarageSearch1797400000000 (issue 15); a row not yet backfilled still has it in `name`.
      name: row['name_sealed'] ? this.cipher.open(TABLE, 'name_sealed', id, String(row['name_sealed'])) : String(row['name']),
      phone: opened.phone ?? null,
      email: opened.email ?? null,
      address: opened.address ?? null,
      nationalId: opened.nationalId ?? null,
      consentGivenAt: (row['consent_given_at'] as Date | null) ?? null,
      consentMethod: (row['consent_method'] as string | null) ?? null,
      consentWithdrawnAt: (row['consent_withdrawn_at'] as Date | null) ?? null,
      anonymisedAt: (row['anonymised_at'] as Date | null) ?? null,
      createdAt: row['created_at'] as Date,
      updatedAt: row['updated_at'] as Date,
    };
  }

  /** A group is stored only when one of its fields has a value. */
  private sealGroup(customer: Customer, column: GroupColumn): string | null {
    const members: readonly CustomerSealedField[] = GROUPS[column];
    if (members.every((field) => customer[field] === null)) return null;
    return this.cipher.seal(TABLE, column, customer.id, JSON.stringify(Object.fromEntries(members.map((field) => [field, customer[field]]))));
  }

  private sealedValues(customer: Customer): unknown[] {
    return [
      this.sealGroup(customer, 'contact_sealed'),
      this.sealGroup(customer, 'identity_sealed'),
      this.cipher.index(INDEX.phone, customer.phone),
      this.cipher.index(INDEX.email, customer.email),
      this.cipher.index(INDEX.nationalId, customer.nationalId),
    ];
  }

  /** The columns `$1`–`$13` of insert and update: identity, sealed fields with their blind indexes, consent. */
  private rowValues(customer: Customer): unknown[] {
    return [
      customer.id,
      customer.userId,
      customer.kind,
      null,
      ...this.sealedValues(customer),
      customer.consentGivenAt,
      customer.consentMethod,
      customer.consentWithdrawnAt,
      customer.anonymisedAt,
    ];
  }

  async insert(db: EntityManager, customer: Customer): Promise<void> {
    await db.query(
      `INSERT INTO customers (id, user_id, kind, name, contact_sealed, identity_sealed, phone_bidx, email_bidx, national_id_bidx,
          consent_given_at, consent_method, consent_withdrawn_at, anonymised_at, created_at, updated_at, name_sealed, search_key_id)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
      [...this.rowValues(customer), customer.createdAt, customer.updatedAt, ...this.searchValues(customer)],
    );
    await indexCustomer(db, this.cipher, customer, true);
  }

  /** The sealed name (`name` itself stays NULL) and the key the search terms are computed under. */
  private searchValues(customer: Customer): unknown[] {
    return [this.cipher.seal(TABLE, 'name_sealed', customer.id, customer.name), this.cipher.keyring.currentKeyId];
  }

  /** Rewrites the whole row: every sealed field is sealed again with the current key. */
  async update(db: EntityManager, customer: Customer): Promise<void> {
    await db.query(
      `UPDATE customers SET user_id = $2, kind = $3, name = $4, contact_sealed = $5, identity_sealed = $6, phone_bidx = $7, email_bidx = $8,
          national_id_bidx = $9, consent_given_at = $10, consent_method = $11, consent_withdrawn_at = $12, anonymised_at = $13, updated_at = $14,
          name_sealed = $15, search_key_id = $16
        WHERE id = $1`,
      [...this.rowValues(customer), customer.updatedAt, ...this.searchValues(customer)],
    );
    await indexCustomer(db, this.cipher, customer, false);
  }

  /** One customer within the caller's reach (undefined otherwise); `forUpdate` locks the row. */
  async find(db: EntityManager, caller: Caller, id: string, fields: readonly CustomerSealedField[], forUpdate = false): Promise<Customer | undefined> {
    const params = new Params();
    const rows: Row[] = await db.query(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = ${params.add(id)} AND ${customerReach(caller, 'c', params)}${forUpdate ? ' FOR UPDATE' : ''}`,
      params.values,
    );
    return rows[0] ? this.decode(rows[0], fields) : undefined;
  }

  /** Unscoped, for system work (the auth-user consumer, work-order completion). */
  async findById(db: EntityManager, id: string, fields: readonly CustomerSealedField[], forUpdate = false): Promise<Customer | undefined> {
    const rows: Row[] = await db.query(`SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ? this.decode(rows[0], fields) : undefined;
  }

  async findByUserId(db: EntityManager, userId: string, fields: readonly CustomerSealedField[], forUpdate = false): Promise<Customer | undefined> {
    const rows: Row[] = await db.query(`SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.user_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [userId]);
    return rows[0] ? this.decode(rows[0], fields) : undefined;
  }

  async list(
    db: EntityManager,
    caller: Caller,
    query: { email?: string; phone?: string; nationalId?: string; after?: string; limit: number },
    fields: readonly CustomerSealedField[],
  ): Promise<Customer[]> {
    const params = new Params();
    const where = [customerReach(caller, 'c', params)];
    if (query.email !== undefined) where.push(`c.email_bidx = ${params.add(this.cipher.index(INDEX.email, query.email))}`);
    if (query.phone !== undefined) where.push(`c.phone_bidx = ${params.add(this.cipher.index(INDEX.phone, query.phone))}`);
    if (query.nationalId !== undefined) where.push(`c.national_id_bidx = ${params.add(this.cipher.index(INDEX.nationalId, query.nationalId))}`);
    if (query.after !== undefined) where.push(`c.id > ${params.add(query.after)}`);
    const rows: Row[] = await db.query(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT ${params.add(query.limit)}`,
      params.values,
    );
    return rows.map((row) => this.decode(row, fields));
  }
}
