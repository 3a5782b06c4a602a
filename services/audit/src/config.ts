import { commonFields, loadConfig } from '@ecar/config';

export const auditConfigSpec = {
  ...commonFields('audit', 3004),
};

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig('audit', auditConfigSpec, env);
}
