import { enqueueEvents, GroupedOutboxWriter } from '@ecar/bus';
import { envelopeOf, type NewEvent } from '@ecar/contracts';
import { isUniqueViolation, type DataSource, type EntityManager } from '@ecar/db';

/** What a piece of work returns: its result, and the events that say what it changed. */
export interface Work<T> {
  result: T;
  events: readonly NewEvent[];
}

export interface UnitOfWorkOptions {
  /**
   * The error for a unique constraint lost to a concurrent request (same plate, same number);
   * default: the database error as is.
   */
  onUniqueViolation?: () => Error;
}

/**
 * The one way a service changes state: `run` opens a transaction, runs the work, and puts the
 * events it returns into the outbox of that same transaction, stamped with the service's name as
 * producer. A change without its event, or an event without its change, cannot commit.
 */
export class UnitOfWork {
  private readonly readRecords: GroupedOutboxWriter;

  constructor(
    readonly dataSource: DataSource,
    /** The service's name: the `producer` of every event it publishes. */
    readonly producer: string,
    private readonly options: UnitOfWorkOptions = {},
  ) {
    this.readRecords = new GroupedOutboxWriter(dataSource);
  }

  async run<T>(work: (db: EntityManager) => Promise<Work<T>>): Promise<T> {
    try {
      return await this.dataSource.transaction((db) => this.within(db, work));
    } catch (error) {
      if (this.options.onUniqueViolation && isUniqueViolation(error)) throw this.options.onUniqueViolation();
      throw error;
    }
  }

  /**
   * A read whose only trace is its access record (AUD-4): `work` runs outside a transaction — it
   * must not write; each of its statements sees the committed data, as under READ COMMITTED — and
   * its events are then committed by a statement of their own, shared with the reads finishing at
   * the same time (`GroupedOutboxWriter`). The result is returned only once they are committed:
   * nothing is answered without its record. Saves BEGIN and COMMIT round trips on hot reads.
   */
  async read<T>(work: (db: EntityManager) => Promise<Work<T>>): Promise<T> {
    const { result, events } = await work(this.dataSource.manager);
    await this.readRecords.write(events.map((event) => envelopeOf(this.producer, event)));
    return result;
  }

  /** The same inside a transaction someone else opened (a subscription's inbox transaction). */
  async within<T>(db: EntityManager, work: (db: EntityManager) => Promise<Work<T>>): Promise<T> {
    const { result, events } = await work(db);
    await this.publish(db, events);
    return result;
  }

  /** Puts events into the outbox of the transaction of `db`. */
  private async publish(db: EntityManager, events: readonly NewEvent[]): Promise<void> {
    await enqueueEvents(db, events.map((event) => envelopeOf(this.producer, event)));
  }
}
