import { defineService, type StartedService } from '@ecar/runtime';
import { billingRoutes } from './api/route-table.ts';
import { loadBillingConfig, type BillingConfig } from './config.ts';
import { billingMigrations } from './data/migrations.ts';
import { teifMigrations } from './data/teif-migrations.ts';
import type { BillingContext } from './domain/context.ts';
import { RenderedPdfCache } from './pdf/pdf-cache.ts';
import { billingSubscriptions } from './messaging/subscriptions.ts';
import { teifJobs, teifSubscriptions } from './messaging/teif-subscriptions.ts';
import { reportSubscriptions } from './messaging/report-subscriptions.ts';
import { teifServiceFrom } from './teif-wiring.ts';

export interface BillingOptions {
  /** The clock that dates invoices; tests move it across a year end. */
  now?: () => Date;
}

/** The billing deployable: invoices, credit notes, payments, numbering and tax tables. */
export const billingService = defineService({
  name: 'billing',
  config: loadBillingConfig,
  migrations: [...billingMigrations, ...teifMigrations],
  context: async ({ dataSource, unitOfWork, config, logger }, options: BillingOptions): Promise<BillingContext> => ({
    dataSource,
    unitOfWork,
    seller: {
      name: config.SELLER_NAME,
      address: config.SELLER_ADDRESS,
      taxId: config.SELLER_TAX_ID,
      tradeRegister: config.SELLER_TRADE_REGISTER,
      ...(config.SELLER_PHONE ? { phone: config.SELLER_PHONE } : {}),
    },
    timeZone: config.BILLING_TIME_ZONE,
    now: options.now ?? (() => new Date()),
    pageMax: config.BILLING_PAGE_MAX,
    teif: await teifServiceFrom(config, dataSource, unitOfWork, logger, options.now ?? (() => new Date())),
    pdfCache: new RenderedPdfCache(config.INVOICE_PDF_CACHE_BYTES),
  }),
  routes: billingRoutes,
  subscriptions: (context, { config, logger }) => [...billingSubscriptions(config, logger), ...teifSubscriptions(context.teif), ...reportSubscriptions()],
  jobs: (context, { config }) => teifJobs(context.teif, config.TTN_POLL_INTERVAL_MS),
});

export type BillingService = StartedService<BillingConfig, BillingContext>;
