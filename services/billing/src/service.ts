import type { Logger } from '@ecar/logger';
import { remoteVerifier, startService, type RunningService } from '@ecar/runtime';
import { billingRouter } from './api/router.ts';
import { loadBillingConfig, type BillingConfig } from './config.ts';
import { billingMigrations } from './data/migrations.ts';
import type { BillingContext } from './domain/context.ts';
import { workOrderConsumer } from './messaging/workorder-consumer.ts';

export interface BillingServiceOptions {
  /** The clock that dates invoices; tests move it across a year end. */
  now?: () => Date;
}

export interface BillingService extends RunningService {
  billing: BillingContext;
  billingConfig: BillingConfig;
}

/** The billing deployable: invoices, credit notes, payments, numbering and tax tables. */
export async function startBillingService(env: NodeJS.ProcessEnv = process.env, logger?: Logger, options: BillingServiceOptions = {}): Promise<BillingService> {
  const loaded = loadBillingConfig(env);
  const config = loaded.values;
  let billing: BillingContext | undefined;
  const running = await startService({
    service: 'billing',
    config,
    mode: loaded.mode,
    warnings: loaded.warnings,
    migrations: billingMigrations,
    ...(logger ? { logger } : {}),
    setup(app, context) {
      billing = {
        dataSource: context.dataSource,
        seller: {
          name: config.SELLER_NAME,
          address: config.SELLER_ADDRESS,
          taxId: config.SELLER_TAX_ID,
          tradeRegister: config.SELLER_TRADE_REGISTER,
          ...(config.SELLER_PHONE ? { phone: config.SELLER_PHONE } : {}),
        },
        timeZone: config.BILLING_TIME_ZONE,
        now: options.now ?? (() => new Date()),
      };
      app.use(billingRouter(remoteVerifier(config), { context: billing, pageMax: config.BILLING_PAGE_MAX }));
    },
    consumers: (context) => [workOrderConsumer(context, config.WORKORDER_RETRY_DELAYS_MS.map(Number))],
  });
  return { ...running, billing: billing!, billingConfig: config };
}
