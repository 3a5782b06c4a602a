/** A delivery that cannot succeed by trying again (no phone, refused number): failed at once. */
export class PermanentDeliveryError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PermanentDeliveryError';
  }
}

/** A gateway or relay outage: the bus tries again later (backoff). `reason` holds no personal data. */
export class TransientDeliveryError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TransientDeliveryError';
  }
}
