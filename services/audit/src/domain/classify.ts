/** django-auditlog-style action of an event type, from its verb and producer. */
export function actionOf(type: string): 'create' | 'update' | 'delete' | 'access' | 'auth' | 'admin' | 'system' {
  const [producer, entity, verb = ''] = type.split('.');
  if (producer === 'auth' && (entity === 'login' || entity === 'token' || entity === 'session' || entity === 'mfa' || entity === 'password')) return 'auth';
  if (verb === 'accessed' || verb === 'viewed' || verb === 'exported' || verb === 'downloaded') return 'access';
  if (verb === 'created' || verb === 'drafted' || verb === 'uploaded' || verb === 'recorded' || verb === 'issued' || verb === 'opened') return 'create';
  if (verb === 'deleted' || verb === 'anonymised' || verb === 'purged') return 'delete';
  if (producer === 'backup' || producer === 'audit') return 'system';
  if (verb === 'disabled' || verb === 'assigned' || verb === 'revoked') return 'admin';
  return 'update';
}
