import { Anchor, Badge, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { CUSTOMER_SEARCH_KINDS } from '@ecar/contracts/requests/garage';
import type { CustomerSearchHitResponse } from '@ecar/contracts/responses/garage';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { Section } from '../../lib/ui.tsx';

type Kind = (typeof CUSTOMER_SEARCH_KINDS)[number] | 'all';
const KINDS: readonly Kind[] = ['all', ...CUSTOMER_SEARCH_KINDS];
/** Milliseconds of quiet typing before a search is sent (one request per pause, not per key). */
const DEBOUNCE_MS = 300;

function useDebounced(value: string, delay: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

function Results({ q, kind }: { q: string; kind: Kind }) {
  const { t } = useTranslation('admin');
  const filters: Record<string, string> = kind === 'all' ? { q } : { q, kind };
  const list = useCursorList<CustomerSearchHitResponse>(['admin', 'customer-search'], '/api/v1/customers/search', filters, { cursorParam: 'after', limit: 10 });
  return (
    <div data-testid="counter-search-results">
      <CursorTable
        list={list}
        caption={t('counterSearch.results')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'name',
            header: t('customers.name'),
            cell: (row) => (
              <Anchor component={Link} to={`/customers/${row.id}`} data-testid="counter-search-hit">
                {row.name}
              </Anchor>
            ),
          },
          { id: 'phone', header: t('customers.phone'), cell: (row) => <bdi>{row.phone ?? '—'}</bdi> },
          {
            id: 'vehicles',
            header: t('counterSearch.plates'),
            cell: (row) =>
              row.vehicles.length === 0 ? (
                '—'
              ) : (
                <Group gap={4}>
                  {row.vehicles.map((vehicle) => (
                    <Anchor key={vehicle.id} component={Link} to={`/vehicles/${vehicle.id}`}>
                      <bdi>{vehicle.plate}</bdi>
                    </Anchor>
                  ))}
                </Group>
              ),
          },
          {
            id: 'matched',
            header: t('counterSearch.matchedOn'),
            cell: (row) => (
              <Group gap={4}>
                {row.matchedOn.map((kind) => (
                  <Badge key={kind} variant="light" color="blue">
                    {t(`counterSearch.kinds.${kind}`)}
                  </Badge>
                ))}
              </Group>
            ),
          },
        ]}
      />
    </div>
  );
}

/**
 * The counter's search box (issue 15): results while the user types, debounced. The garage
 * searches sealed fields through truncated blind-index tokens and confirms by decryption
 * (docs/security/search.md); each page of results is an access record.
 */
export function CounterSearch() {
  const { t } = useTranslation('admin');
  const [value, setValue] = useState('');
  const [kind, setKind] = useState<Kind>('all');
  const q = useDebounced(value.trim(), DEBOUNCE_MS);
  return (
    <Section title={t('counterSearch.title')} testId="counter-search">
      <Stack gap="xs">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            type="search"
            label={t('counterSearch.label')}
            placeholder={t('counterSearch.placeholder')}
            value={value}
            onChange={(event) => setValue(event.currentTarget.value)}
            name="counter-search"
            maxLength={100}
            autoComplete="off"
            miw={240}
            flex={1}
          />
          <NativeSelect label={t('counterSearch.kind')} value={kind} onChange={(event) => setKind(event.currentTarget.value as Kind)} data={KINDS.map((item) => ({ value: item, label: t(`counterSearch.kinds.${item}`) }))} name="counter-search-kind" />
        </Group>
        <Text size="sm" c="gray.8">
          {t('counterSearch.hint')}
        </Text>
        {q.length >= 2 ? <Results q={q} kind={kind} /> : value.trim().length > 0 ? <Text size="sm">{t('counterSearch.tooShort')}</Text> : null}
      </Stack>
    </Section>
  );
}
