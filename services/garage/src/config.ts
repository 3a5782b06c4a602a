import { commonFields, devSecret, field, FieldError, loadConfig, type Field } from '@ecar/config';
import { type Keyring, keyringFromSpec } from '@ecar/crypto';
import { maintenanceBookConfigSpec } from './book-config.ts';

/**
 * `FIELD_KEYS=kid:base64,kid:base64` — the field-encryption keyring (ENC-1); the last key is
 * current, older ones stay to open values until `rotate-field-keys` has re-encrypted them.
 */
function keyringField(options: { doc: string }): Field<Keyring> {
  return {
    doc: options.doc,
    secret: true,
    parse(raw, context) {
      const devSpec = `dev1:${devSecret(context.name)}`;
      if (raw === undefined || raw.trim() === '') {
        if (context.mode === 'production') throw new FieldError(`${context.name} is required in production (set ${context.name} or ${context.name}_FILE)`);
        context.warn(`${context.name} not set: using a public development key`);
        return keyringFromSpec(devSpec);
      }
      let keyring: Keyring;
      try {
        keyring = keyringFromSpec(raw.trim());
      } catch (error) {
        throw new FieldError(`${context.name}: ${(error as Error).message} (expected kid:base64 of 32 bytes, comma separated)`);
      }
      if (context.mode === 'production') {
        for (const entry of raw.split(',').map((item) => item.trim()).filter(Boolean)) {
          const [, key = ''] = entry.split(':');
          if (key === devSecret(context.name)) throw new FieldError(`${context.name} contains the development key; set real keys in production`);
          if (new Set(Buffer.from(key, 'base64')).size < 16) throw new FieldError(`${context.name} has a key that does not look random`);
        }
      }
      return keyring;
    },
  };
}

export const garageConfigSpec = {
  ...commonFields('garage', 3002),
  FIELD_KEYS: keyringField({ doc: 'Field-encryption keyring `kid:base64(32 bytes),…`; the last entry is the current key' }),
  BLIND_INDEX_KEY: field.secretKey({ doc: 'HMAC-SHA256 key (base64, 32 bytes) of the blind indexes (lookups on encrypted fields)', bytes: 32 }),
  DOCUMENTS_DIR: field.string({ doc: 'Directory of the encrypted document store (outside the database)', default: './data/documents' }),
  MAX_DOCUMENT_BYTES: field.int({ doc: 'Largest registration document accepted (bytes)', default: 5 * 1024 * 1024, min: 1024, max: 50 * 1024 * 1024 }),
  APPOINTMENT_SLOT_MINUTES: field.int({ doc: 'Length of one appointment slot (slot starts are multiples of it)', default: 30, min: 5, max: 480 }),
  APPOINTMENT_SLOT_CAPACITY: field.int({ doc: 'Appointments the garage takes in one slot', default: 2, min: 1, max: 100 }),
  DEFAULT_VAT_RATE_BP: field.int({ doc: 'VAT rate of a line when none is given, in basis points (19 % = 1900)', default: 1900, min: 0, max: 10_000 }),
  REMINDER_TIME_ZONE: field.string({ doc: 'Time zone of the garage calendar: what "today" and a due date mean (IANA name)', default: 'Africa/Tunis', pattern: /^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/ }),
  REMINDER_RUN_AT: field.string({ doc: 'Daily time of the reminder job, HH:MM in REMINDER_TIME_ZONE', default: '08:00', pattern: /^([01]\d|2[0-3]):[0-5]\d$/ }),
  REMINDER_LEAD_DAYS: field.list({ doc: 'Days before a due date a reminder is sent, one reminder per lead (e.g. 7,1)', default: ['7', '1'], item: /^(0|[1-9]\d{0,2})$/ }),
  REMINDER_MILEAGE_LEAD_KM: field.int({ doc: 'A service due by mileage is reminded when the vehicle is this close to it (km)', default: 500, min: 0, max: 50_000 }),
  MAX_OPEN_APPOINTMENTS_PER_CUSTOMER: field.int({ doc: 'Appointments still to come a customer may hold at once (self-service booking)', default: 4, min: 1, max: 100 }),
  BOOKING_HORIZON_DAYS: field.int({ doc: 'How many days ahead a customer may book an appointment', default: 60, min: 1, max: 730 }),
  MAX_DOCUMENTS_PER_CUSTOMER: field.int({ doc: 'Registration documents a customer may store (all their vehicles)', default: 20, min: 1, max: 10_000 }),
  MAX_DOCUMENT_BYTES_PER_CUSTOMER: field.int({ doc: 'Bytes of registration documents a customer may store (all their vehicles)', default: 50 * 1024 * 1024, min: 1024, max: 10 * 1024 * 1024 * 1024 }),
  TECHNICIAN_REACH_AFTER_CLOSE_HOURS: field.int({
    doc: 'Hours a technician still reaches a work order, its customer and vehicle after it was delivered or cancelled (0: reach ends at delivery)',
    default: 7 * 24,
    min: 0,
    max: 90 * 24,
  }),
  ...maintenanceBookConfigSpec,
};

export function loadGarageConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig('garage', garageConfigSpec, env);
}

export type GarageConfig = ReturnType<typeof loadGarageConfig>['values'];
