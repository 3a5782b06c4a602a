import { commonFields, field, FieldError, loadConfig, type Field } from '@ecar/config';
import { normaliseMatriculeFiscal } from './domain/matricule-fiscal.ts';
import { teifConfigFields } from './teif-config.ts';

/**
 * The seller identity printed on every invoice. Production has no defaults: an invoice with a
 * placeholder matricule fiscal would be a false fiscal document. Development and tests get an
 * obviously fictitious garage, with a boot warning.
 */
function sellerField(options: { doc: string; dev: string; maxLength: number; validate?: (value: string) => string | undefined }): Field<string> {
  return {
    doc: options.doc,
    secret: false,
    parse(raw, context) {
      let value = raw?.trim();
      if (!value) {
        if (context.mode === 'production') throw new FieldError(`${context.name} is required in production (it is printed on every invoice)`);
        context.warn(`${context.name} not set: using the fictitious development value "${options.dev}"`);
        value = options.dev;
      }
      if (value.length > options.maxLength) throw new FieldError(`${context.name} is longer than ${options.maxLength} characters`);
      if (!options.validate) return value;
      const valid = options.validate(value);
      if (!valid) throw new FieldError(`${context.name} is not a valid matricule fiscal (1234567/X/A/M/000)`);
      return valid;
    },
  };
}

export const billingConfigSpec = {
  ...commonFields('billing', 3003, { schemaOwner: true }),
  SELLER_NAME: sellerField({ doc: 'Legal name of the garage (seller)', dev: 'Garage ECAR Démo SARL', maxLength: 200 }),
  SELLER_ADDRESS: sellerField({ doc: 'Address of the garage', dev: '12 rue de la Démo, 1002 Tunis', maxLength: 300 }),
  SELLER_TAX_ID: sellerField({ doc: 'Matricule fiscal of the garage (format 1234567/X/A/M/000)', dev: '0000000/Z/A/M/000', maxLength: 32, validate: normaliseMatriculeFiscal }),
  SELLER_TRADE_REGISTER: sellerField({ doc: 'Trade register number (registre du commerce / RNE)', dev: 'B000000002026', maxLength: 64 }),
  SELLER_PHONE: field.string({ doc: 'Phone printed on invoices (optional)', default: '', maxLength: 32 }),
  BILLING_TIME_ZONE: field.string({ doc: 'Time zone whose calendar dates invoices (IANA name)', default: 'Africa/Tunis', pattern: /^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/ }),
  WORKORDER_RETRY_DELAYS_MS: field.list({
    doc: 'Delays before each retry of a work-order event that failed; then it is dead-lettered',
    default: ['1000', '5000', '30000'],
    item: /^[1-9]\d{1,6}$/,
  }),
  BILLING_PAGE_MAX: field.int({ doc: 'Hard maximum page size of billing lists', default: 100, min: 1, max: 500 }),
  INVOICE_PDF_CACHE_BYTES: field.int({
    doc: 'Bytes of rendered PDFs of issued invoices kept in memory (least recently used out; 0 = none kept)',
    default: 32 * 1024 * 1024,
    min: 0,
    max: 1024 * 1024 * 1024,
  }),
  ...teifConfigFields,
};

export function loadBillingConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig('billing', billingConfigSpec, env);
}

export type BillingConfig = ReturnType<typeof loadBillingConfig>['values'];
