import { commonFields, loadConfig } from '@ecar/config';

export const backupConfigSpec = {
  ...commonFields('backup', 3005),
};

export function loadBackupConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig('backup', backupConfigSpec, env);
}
