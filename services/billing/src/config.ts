import { commonFields, loadConfig } from '@ecar/config';

export const billingConfigSpec = {
  ...commonFields('billing', 3003),
};

export function loadBillingConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig('billing', billingConfigSpec, env);
}
