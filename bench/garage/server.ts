// One garage process for the benchmark. BENCH_PLAINTEXT=1 swaps the field cipher for one that
// stores values as they are (the plaintext-column baseline); everything else is the real service:
// token check, reach filter, access event in the outbox, JSON.
import { Keyring } from '@ecar/crypto';
import { installProcessHandlers } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { FieldCipher } from '../../services/garage/src/data/field-cipher.ts';
import { garageService } from '../../services/garage/src/service.ts';

/** Identity "encryption": plaintext columns and plaintext equality lookups. */
class PlaintextFieldCipher extends FieldCipher {
  override seal(_table: string, _column: string, _rowId: string, value: string | null | undefined) {
    return (value ?? null) as never;
  }
  override open(_table: string, _column: string, _rowId: string, sealed: string | null) {
    return sealed as never;
  }
  override index(_context: string, value: string | null | undefined) {
    return (value ?? null) as never;
  }
}

const logger = createLogger({ service: 'garage', level: 'error' });
const fieldCipher = process.env['BENCH_PLAINTEXT'] === '1' ? new PlaintextFieldCipher(new Keyring({ unused: Buffer.alloc(32) }, 'unused'), Buffer.alloc(32)) : undefined;
const service = await garageService.start(process.env, { logger, ...(fieldCipher ? { fieldCipher } : {}) });
installProcessHandlers(logger, () => service.stop());
process.stdout.write(`LISTENING ${service.url}\n`);
