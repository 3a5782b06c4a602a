import { Button, Group, NativeSelect, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { createUserBody } from '@ecar/contracts/requests/auth';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type CSSProperties } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../../../shell/api/client.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import { QueryState } from '../../../shell/ui/states.tsx';
import { checkBody } from '../../lib/forms.ts';
import type { User } from '../../lib/types.ts';
import { ActionResult, ConfirmButton, Section, StatusBadge, useAction, When } from '../../lib/ui.tsx';
import stacked from '../../../shell/ui/stackedTable.module.css';

/** Cards on phones (stackedTable.module.css), a table of at least 720 px from 36em. */
const USERS_MIN_WIDTH = { '--stacked-min-width': '720px' } as CSSProperties;

const PAGE = 25;
type Role = User['role'];

interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  password: string;
}

function CreateUser() {
  const { t } = useTranslation('admin');
  const { t: common } = useTranslation();
  const fieldError = useFieldError();
  const client = useQueryClient();
  const [created, setCreated] = useState(false);
  const form = useForm<NewUser>({ defaultValues: { email: '', displayName: '', role: 'technician', password: '' } });
  const submit = form.handleSubmit(async (values) => {
    setCreated(false);
    const body = checkBody(form, createUserBody, values);
    if (!body) return;
    try {
      await apiJson('/api/v1/users', { method: 'POST', json: body });
      form.reset();
      setCreated(true);
      await client.invalidateQueries({ queryKey: ['admin', 'users'] });
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="user-create">
      <Stack gap="xs">
        <TextInput label={t('users.email')} type="email" required {...form.register('email')} error={fieldError(form.formState.errors.email)} />
        <TextInput label={t('users.displayName')} required {...form.register('displayName')} error={fieldError(form.formState.errors.displayName)} />
        <NativeSelect label={t('users.role')} data={(['technician', 'super-admin', 'customer'] as const).map((role) => ({ value: role, label: common(`roles.${role}`) }))} {...form.register('role')} />
        <PasswordInput label={t('users.password')} required autoComplete="new-password" {...form.register('password')} error={fieldError(form.formState.errors.password)} />
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {t('common.create')}
          </Button>
          {created ? (
            <Text size="sm" role="status">
              {t('users.created')}
            </Text>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

function UserActions({ user }: { user: User }) {
  const { t } = useTranslation('admin');
  const base = `/api/v1/users/${user.id}`;
  const disable = useAction(() => apiJson(`${base}/disable`, { method: 'POST', json: {} }), [['admin', 'users']]);
  const resetMfa = useAction(() => apiJson(`${base}/mfa/reset`, { method: 'POST', json: {} }), [['admin', 'users']]);
  const revoke = useAction(() => apiJson<{ revoked: number }>(`${base}/sessions/revoke`, { method: 'POST', json: {} }));
  const unlock = useAction(() => apiJson(`${base}/unlock`, { method: 'POST', json: {} }));
  return (
    <Stack gap={4}>
      <Group gap={4} wrap="wrap">
        {user.status === 'active' ? <ConfirmButton label={t('users.disable')} question={`${t('users.disable')} : ${user.email}`} color="red" onConfirm={() => disable.mutate()} loading={disable.isPending} /> : null}
        {user.mfaEnrolled ? <ConfirmButton label={t('users.resetMfa')} question={`${t('users.resetMfa')} : ${user.email}`} onConfirm={() => resetMfa.mutate()} loading={resetMfa.isPending} /> : null}
        <Button size="xs" variant="default" onClick={() => revoke.mutate()} loading={revoke.isPending}>
          {t('users.revoke')}
        </Button>
        <Button size="xs" variant="default" onClick={() => unlock.mutate()} loading={unlock.isPending}>
          {t('users.unlock')}
        </Button>
      </Group>
      <ActionResult mutation={disable} success={t('common.done')} />
      <ActionResult mutation={resetMfa} success={t('common.done')} />
      <ActionResult mutation={revoke} success={t('users.revoked', { count: revoke.data?.revoked ?? 0 })} />
      <ActionResult mutation={unlock} success={t('users.unlocked')} />
    </Stack>
  );
}

interface IpLock {
  ip: string;
  failures: number;
  lockedUntil: string;
}

function IpLockRow({ lock }: { lock: IpLock }) {
  const { t } = useTranslation('admin');
  const unlock = useAction(() => apiJson('/api/v1/users/sign-in-locks/unlock', { method: 'POST', json: { ip: lock.ip } }), [['admin', 'sign-in-locks']]);
  return (
    <Table.Tr data-testid="ip-lock-row">
      <Table.Td data-label={t('users.ipLocks.ip')} ff="monospace">
        {/* An address reads left to right in Arabic too (IPv6 colons would be reordered). */}
        <span dir="ltr">{lock.ip}</span>
      </Table.Td>
      <Table.Td data-label={t('users.ipLocks.failures')}>{lock.failures}</Table.Td>
      <Table.Td data-label={t('users.ipLocks.until')}>
        <When at={lock.lockedUntil} />
      </Table.Td>
      <Table.Td data-label={t('common.actions')}>
        <ConfirmButton label={t('users.ipLocks.unlock')} question={`${t('users.ipLocks.unlock')} : ${lock.ip}`} onConfirm={() => unlock.mutate()} loading={unlock.isPending} />
        <ActionResult mutation={unlock} success={t('users.ipLocks.unlocked')} />
      </Table.Td>
    </Table.Tr>
  );
}

/** Per-IP sign-in locks tied to no account (a shared address locked by others' failures): listed and lifted here, audited. */
function IpLocks() {
  const { t } = useTranslation('admin');
  const query = useQuery({
    queryKey: ['admin', 'sign-in-locks'],
    queryFn: () => apiJson<{ items: IpLock[]; total: number }>('/api/v1/users/sign-in-locks', { query: { limit: 100 } }),
  });
  return (
    <Section title={t('users.ipLocks.title')} testId="ip-locks">
      <Text size="sm">{t('users.ipLocks.intro')}</Text>
      <QueryState query={query} isEmpty={(data) => data.items.length === 0} empty={t('users.ipLocks.none')}>
        {(data) => (
          <Stack gap="xs">
            <Text size="sm">{t('users.ipLocks.count', { count: data.total })}</Text>
            <Table striped className={stacked.table}>
              <Table.Caption c="gray.8">{t('users.ipLocks.title')}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('users.ipLocks.ip')}</Table.Th>
                  <Table.Th scope="col">{t('users.ipLocks.failures')}</Table.Th>
                  <Table.Th scope="col">{t('users.ipLocks.until')}</Table.Th>
                  <Table.Th scope="col">{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((lock) => (
                  <IpLockRow key={lock.ip} lock={lock} />
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
      </QueryState>
    </Section>
  );
}

export default function UsersScreen() {
  const { t } = useTranslation('admin');
  const { t: common } = useTranslation();
  const [offset, setOffset] = useState(0);
  const [role, setRole] = useState<Role | ''>('');
  const query = useQuery({
    queryKey: ['admin', 'users', role, offset],
    queryFn: () => apiJson<{ items: User[]; total: number }>('/api/v1/users', { query: { role, limit: PAGE, offset } }),
  });
  return (
    <Stack>
      <Title order={1}>{t('users.title')}</Title>
      <Section title={t('users.new')}>
        <CreateUser />
      </Section>
      <IpLocks />
      <NativeSelect
        label={t('users.role')}
        value={role}
        onChange={(event) => {
          setRole(event.currentTarget.value as Role | '');
          setOffset(0);
        }}
        data={[{ value: '', label: t('workOrders.all') }, ...(['super-admin', 'technician', 'customer'] as const).map((value) => ({ value, label: common(`roles.${value}`) }))]}
      />
      <QueryState query={query} isEmpty={(data) => data.items.length === 0}>
        {(data) => (
          <Stack gap="xs">
            <Text size="sm">{t('users.count', { count: data.total })}</Text>
            <ScrollX label={t('users.title')}>
              <Table striped className={stacked.table} style={USERS_MIN_WIDTH}>
                <Table.Caption c="gray.8">{t('users.title')}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('users.displayName')}</Table.Th>
                    <Table.Th scope="col">{t('users.email')}</Table.Th>
                    <Table.Th scope="col">{t('users.role')}</Table.Th>
                    <Table.Th scope="col">{t('users.status')}</Table.Th>
                    <Table.Th scope="col">{t('users.mfa')}</Table.Th>
                    <Table.Th scope="col">{t('common.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((user) => (
                    <Table.Tr key={user.id} data-testid="user-row">
                      <Table.Td data-label={t('users.displayName')}>{user.displayName}</Table.Td>
                      <Table.Td data-label={t('users.email')}>{user.email}</Table.Td>
                      <Table.Td data-label={t('users.role')}>{common(`roles.${user.role}`)}</Table.Td>
                      <Table.Td data-label={t('users.status')}>
                        <StatusBadge value={user.status} color={user.status === 'active' ? 'green' : 'red'} label={t(`users.statuses.${user.status}`)} />
                      </Table.Td>
                      <Table.Td data-label={t('users.mfa')}>
                        {user.mfaEnrolled ? t('users.mfaOn') : t('users.mfaOff')}
                        <br />
                        <When at={user.createdAt} dateOnly />
                      </Table.Td>
                      <Table.Td data-label={t('common.actions')}>
                        <UserActions user={user} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollX>
            <Group>
              <Button variant="default" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                {t('users.previous')}
              </Button>
              <Button variant="default" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
                {t('users.next')}
              </Button>
            </Group>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
