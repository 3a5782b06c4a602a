import type { Logger } from '@ecar/logger';
import { backoffDelay } from '@ecar/primitives';
import type { UnitOfWork } from '@ecar/runtime';
import type { DataSource } from '@ecar/db';
import type { BillingConfig } from './config.ts';
import { TeifService } from './domain/teif-submissions.ts';
import { ElFatooraClient } from './messaging/ttn-client.ts';
import { assertPdfFontsPresent } from './pdf/fonts.ts';
import { developmentSigningIdentity, signingIdentityFromPkcs12 } from './signature/seller-certificate.ts';

/**
 * Builds TEIF signing and El Fatoora submission from configuration, at start: a PKCS#12 that does
 * not open, a weak key, an expired certificate, a TTN host not on OUTBOUND_ALLOWLIST (RES-3) or a
 * missing Arabic font stops the service before it serves anything.
 */
export async function teifServiceFrom(config: BillingConfig, dataSource: DataSource, unitOfWork: UnitOfWork, logger: Logger, now: () => Date): Promise<TeifService> {
  assertPdfFontsPresent();
  const identity = config.TEIF_SIGNING_P12
    ? await signingIdentityFromPkcs12(config.TEIF_SIGNING_P12, config.TEIF_SIGNING_P12_PASSWORD ?? '')
    : await developmentSigningIdentity(config.SELLER_NAME);
  if (identity.development) logger.warn('TEIF: signing with a throw-away development certificate — TTN refuses these documents (set TEIF_SIGNING_P12_FILE)');
  const gateway = config.TTN_URL
    ? new ElFatooraClient(config.TTN_URL, config.OUTBOUND_ALLOWLIST ?? [], { login: config.TTN_LOGIN, password: config.TTN_PASSWORD ?? '' }, config.TTN_TIMEOUT_MS)
    : undefined;
  return new TeifService(dataSource, unitOfWork, {
    identity,
    gateway,
    retryDelay: (attempt) => backoffDelay(attempt, { initialMs: config.TTN_RETRY_INITIAL_MS, maxMs: config.TTN_RETRY_MAX_MS }),
    now,
    logger,
    sweepGraceMs: config.TEIF_SWEEP_GRACE_MS,
  });
}
