/**
 * Fills infra/rabbitmq/definitions.json with password hashes taken from the services' own
 * AMQP URL secrets, so each password exists in exactly one place (the service's secret file).
 * The output holds hashes: store it as the `rabbitmq_definitions` Docker secret.
 *
 *   node --import tsx infra/rabbitmq/render-definitions.ts --secrets /etc/ecar/secrets \
 *        --out /etc/ecar/secrets/rabbitmq_definitions.json
 *
 * Secret file per user ecar_<service>: <secrets>/<service>_amqp_url, e.g.
 * amqps://ecar_billing:<password>@rabbitmq:5671/ecar
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const DEFINITIONS_TEMPLATE = fileURLToPath(new URL('./definitions.json', import.meta.url));

export interface RabbitUser {
  name: string;
  password_hash: string;
  hashing_algorithm: string;
  tags: string[];
}

export interface RabbitDefinitions {
  users: RabbitUser[];
  vhosts: { name: string }[];
  permissions: { user: string; vhost: string; configure: string; write: string; read: string }[];
  topic_permissions: { user: string; vhost: string; exchange: string; write: string; read: string }[];
  exchanges: { name: string; vhost: string; type: string; durable: boolean }[];
  [key: string]: unknown;
}

/** RabbitMQ's rabbit_password_hashing_sha256: base64(salt ‖ SHA-256(salt ‖ utf8(password))). */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/** The password of an amqp(s) URL, checked against the user it must belong to. */
export function passwordFromAmqpUrl(text: string, expectedUser: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`${source}: not a URL`);
  }
  if (url.protocol !== 'amqps:' && url.protocol !== 'amqp:') throw new Error(`${source}: expected an amqps:// URL`);
  if (decodeURIComponent(url.username) !== expectedUser) throw new Error(`${source}: user must be ${expectedUser}`);
  const password = decodeURIComponent(url.password);
  if (password.length < 24) throw new Error(`${source}: password must have at least 24 characters`);
  return password;
}

export function renderDefinitions(secretsDir: string, template = DEFINITIONS_TEMPLATE): RabbitDefinitions {
  const definitions = JSON.parse(readFileSync(template, 'utf8')) as RabbitDefinitions;
  for (const user of definitions.users) {
    const service = user.name.replace(/^ecar_/, '');
    const source = join(secretsDir, `${service}_amqp_url`);
    user.password_hash = rabbitPasswordHash(passwordFromAmqpUrl(readFileSync(source, 'utf8'), user.name, source));
  }
  return definitions;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const option = (name: string) => {
    const index = process.argv.indexOf(name);
    const value = index >= 0 ? process.argv[index + 1] : undefined;
    if (!value) throw new Error(`usage: render-definitions.ts --secrets DIR --out FILE (missing ${name})`);
    return value;
  };
  const out = option('--out');
  writeFileSync(out, `${JSON.stringify(renderDefinitions(option('--secrets')), null, 2)}\n`, { mode: 0o600 });
  process.stderr.write(`RabbitMQ definitions written to ${out}\n`);
}
