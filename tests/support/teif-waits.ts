import { call, type BillingStack } from './billing-stack.ts';

/** Polls a TEIF status route until `done` holds (the consumer and the submitter work in the background). */
export async function waitForTeif(
  stack: BillingStack,
  token: string,
  path: string,
  done: (body: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const response = await call(stack.gateway.url, path, { token });
    last = response.body;
    if (response.status === 200 && done(response.body)) return response.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`TEIF status at ${path} never reached the expected state; last: ${JSON.stringify(last)}`);
}
