import { Anchor, Button, Group, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { Money, Section, StatusBadge } from '../../lib/ui.tsx';
import { PartForm } from './PartForm.tsx';
import { formatSigned, isLow, type Part } from './types.ts';

/** The parts catalogue: search by reference, barcode, brand or description; create a part. */
export default function PartsScreen() {
  const { t } = useTranslation('parts');
  const { t: ta } = useTranslation('admin');
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [creating, setCreating] = useState(false);
  const list = useCursorList<Part>(['admin', 'parts'], '/api/v1/parts', filters, { cursorParam: 'after' });
  return (
    <Stack>
      <Title order={1}>{t('catalogue.title')}</Title>
      <Section
        title={creating ? t('catalogue.newTitle') : t('catalogue.searchTitle')}
        actions={
          <Button variant={creating ? 'default' : 'filled'} onClick={() => setCreating(!creating)} data-testid="part-new">
            {creating ? ta('common.back') : t('catalogue.new')}
          </Button>
        }
      >
        {creating ? (
          <PartForm onSaved={(saved) => navigate(`/parts/${saved.id}`)} />
        ) : (
          <form
            role="search"
            onSubmit={(event) => {
              event.preventDefault();
              setFilters(text.trim() ? { q: text.trim() } : {});
            }}
          >
            <Group align="flex-end" wrap="wrap">
              <TextInput label={t('catalogue.search')} value={text} onChange={(event) => setText(event.currentTarget.value)} name="q" />
              <Button type="submit">{ta('common.search')}</Button>
              <Button
                variant="default"
                onClick={() => {
                  setText('');
                  setFilters({});
                }}
              >
                {ta('common.clear')}
              </Button>
            </Group>
          </form>
        )}
      </Section>
      <CursorTable
        list={list}
        caption={t('catalogue.list')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'reference',
            header: t('fields.reference'),
            cell: (row) => (
              <Anchor component={Link} to={`/parts/${row.id}`} data-testid="part-link">
                <bdi>{row.reference}</bdi>
              </Anchor>
            ),
          },
          { id: 'brand', header: t('fields.brand'), cell: (row) => row.brand },
          { id: 'description', header: t('fields.description'), cell: (row) => <span dir="auto">{row.description}</span> },
          { id: 'price', header: t('fields.sellingPrice'), cell: (row) => <Money millimes={row.sellingPriceMillimes} /> },
          { id: 'onHand', header: t('fields.onHand'), cell: (row) => <bdi data-on-hand>{formatSigned(row.onHandMilli)}</bdi> },
          {
            id: 'available',
            header: t('fields.available'),
            cell: (row) => (
              <Group gap={4} wrap="nowrap">
                <bdi data-available>{formatSigned(row.availableMilli)}</bdi>
                {isLow(row) ? <StatusBadge value="low" color="orange" label={t('stock.low')} /> : null}
              </Group>
            ),
          },
        ]}
      />
    </Stack>
  );
}
