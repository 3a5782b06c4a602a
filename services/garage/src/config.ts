import { commonFields, loadConfig } from '@ecar/config';

export const garageConfigSpec = {
  ...commonFields('garage', 3002),
};

export function loadGarageConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig('garage', garageConfigSpec, env);
}
