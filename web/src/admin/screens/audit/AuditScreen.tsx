import { Button, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { apiJson } from '../../../shell/api/client.ts';
import { useCursorList } from '../../../shell/api/paging.ts';
import { formatDateTime } from '../../../shell/format.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import type { AuditEvent, ChainVerification, User } from '../../lib/types.ts';
import { ActionResult, Section, useAction, useLanguage, When } from '../../lib/ui.tsx';

const ACTIONS = ['create', 'update', 'delete', 'access', 'auth', 'admin', 'system'] as const;
type Translate = (key: string, options?: Record<string, unknown>) => string;

/** A value of a change in words: masked personal data stays `***`, nothing is shown as JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([key, inner]) => `${key} ${valueText(inner)}`).join(', ');
  return String(value);
}

/** Tunis has no daylight saving: its day starts at 00:00+01:00. */
const dayStart = (day: string) => (day ? `${day}T00:00:00+01:00` : '');

/** "who did what to which object" in the reader's language. */
function useSentence() {
  const { t: typed, i18n } = useTranslation('admin');
  const t = typed as unknown as Translate;
  // Services' events carry the actor's id; the staff list gives it a name.
  const users = useQuery({ queryKey: ['admin', 'users', 'names'], queryFn: () => apiJson<{ items: User[] }>('/api/v1/users', { query: { limit: 100 } }) });
  const names = new Map((users.data?.items ?? []).map((user) => [user.id, user.email]));
  return (event: AuditEvent): string => {
    const known = event.actor.id ? names.get(event.actor.id) : undefined;
    const actor = event.actor.email ?? known ?? (event.actor.system ? t('audit.system', { name: event.actor.system }) : event.actor.id ? event.actor.id.slice(0, 8) : t('audit.unknownActor'));
    const verbKey = `events.${event.type}`;
    const verb = i18n.exists(verbKey, { ns: 'admin' }) ? t(verbKey) : event.type;
    const id = event.subject.id.slice(0, 8);
    const subjectKey = `audit.subjects.${event.subject.type}`;
    const object = i18n.exists(subjectKey, { ns: 'admin' }) ? t(subjectKey, { id }) : t('audit.subjects.other', { type: event.subject.type, id });
    return t('audit.sentence', { actor, verb, object });
  };
}

function Changes({ event }: { event: AuditEvent }) {
  const { t } = useTranslation('admin');
  if (!event.changes) return null;
  return (
    <Stack gap={0}>
      {Object.entries(event.changes).map(([field, [before, after]]) => (
        <Text size="xs" key={field}>
          {t('audit.change', { field, before: valueText(before), after: valueText(after) })}
        </Text>
      ))}
    </Stack>
  );
}

function Log({ path, filters }: { path: string; filters: Record<string, string> }) {
  const { t } = useTranslation('admin');
  const sentence = useSentence();
  const list = useCursorList<AuditEvent>(['admin', 'audit', path], path, filters);
  return (
    <CursorTable
      list={list}
      caption={t('audit.title')}
      rowKey={(row) => row.seq}
      columns={[
        { id: 'when', header: t('audit.when'), cell: (row) => <When at={row.occurredAt} /> },
        {
          id: 'what',
          header: t('audit.what'),
          cell: (row) => (
            <Stack gap={2} data-testid="audit-row">
              <Text size="sm">{sentence(row)}</Text>
              <Changes event={row} />
            </Stack>
          ),
        },
        { id: 'ip', header: t('audit.from_ip'), cell: (row) => <bdi>{row.actor.ip ?? '—'}</bdi> },
      ]}
    />
  );
}

function VerifyChain() {
  const { t } = useTranslation('admin');
  const language = useLanguage();
  const verify = useAction(() => apiJson<ChainVerification>('/api/v1/audit/verify'));
  const result = verify.data;
  return (
    <Section title={t('audit.verifyTitle')}>
      <Group>
        <Button onClick={() => verify.mutate()} loading={verify.isPending} data-testid="audit-verify">
          {t('audit.verify')}
        </Button>
      </Group>
      {result ? (
        <Text role="status" data-testid="audit-verified" data-valid={String(result.valid)} fw={600} c={result.valid ? 'teal.9' : 'red.9'}>
          {result.valid || !result.firstBreak
            ? t('audit.valid', { count: result.checkedRows, date: formatDateTime(result.verifiedAt, language) })
            : t('audit.broken', { seq: result.firstBreak.seq, reason: t(`audit.reasons.${result.firstBreak.reason}`), count: result.checkedRows })}
        </Text>
      ) : null}
      <ActionResult mutation={verify} />
    </Section>
  );
}

export default function AuditScreen() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const access = params.get('access') ?? '';
  const [draft, setDraft] = useState({ actor: '', subject: '', type: '', action: '', from: '', to: '' });
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [accessInput, setAccessInput] = useState(access.replace(/^customer:/, ''));
  const field = (name: keyof typeof draft) => ({ value: draft[name], onChange: (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: event.currentTarget.value }) });
  return (
    <Stack>
      <Title order={1}>{t('audit.title')}</Title>
      <VerifyChain />
      <Section title={t('audit.accessTitle')}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setParams(accessInput.trim() ? { access: `customer:${accessInput.trim()}` } : {});
          }}
        >
          <Group align="flex-end" wrap="wrap">
            <TextInput label={t('audit.accessCustomer')} value={accessInput} onChange={(event) => setAccessInput(event.currentTarget.value)} />
            <Button type="submit">{t('audit.accessShow')}</Button>
            {access ? (
              <Button variant="default" onClick={() => setParams({})}>
                {t('common.clear')}
              </Button>
            ) : null}
          </Group>
        </form>
        {access ? <Log path="/api/v1/audit/access" filters={{ subject: access }} /> : null}
      </Section>
      <Section title={t('audit.filters')}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const next: Record<string, string> = {};
            for (const [name, value] of Object.entries(draft)) if (value.trim()) next[name] = name === 'from' || name === 'to' ? dayStart(value) : value.trim();
            setFilters(next);
          }}
        >
          <Group align="flex-end" wrap="wrap">
            <TextInput label={t('audit.actor')} {...field('actor')} />
            <TextInput label={t('audit.subject')} {...field('subject')} />
            <TextInput label={t('audit.type')} {...field('type')} />
            <NativeSelect label={t('audit.action')} data={[{ value: '', label: t('workOrders.all') }, ...ACTIONS.map((value) => ({ value, label: t(`audit.actions.${value}`) }))]} {...field('action')} />
            <TextInput type="date" label={t('audit.from')} {...field('from')} />
            <TextInput type="date" label={t('audit.to')} {...field('to')} />
            <Button type="submit">{t('audit.apply')}</Button>
          </Group>
        </form>
      </Section>
      <Log path="/api/v1/audit/events" filters={filters} />
    </Stack>
  );
}
