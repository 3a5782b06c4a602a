import { Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OwnReadResponse } from '@ecar/contracts/responses/audit-reads';
import { useCursorList } from '../shell/api/paging.ts';
import { formatDateTime } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { CursorTable, type Column } from '../shell/ui/CursorTable.tsx';
import classes from './customer.module.css';

const PURPOSES = new Set(['detail', 'list', 'export', 'document', 'vehicle', 'work-order', 'notification']);
const FIELDS = new Set(['name', 'phone', 'email', 'address', 'cin', 'taxId', 'plate', 'vin', 'registrationDocument', 'estimateGivenBy', 'estimateWords']);

/**
 * "Who read my data" (issue 15): the access records about the signed-in customer, from audit's
 * log, newest first, a page at a time. Staff appear by role and display name, never by id.
 */
export default function AccessLogScreen() {
  const { t, i18n } = useTranslation('book');
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const list = useCursorList<OwnReadResponse>(['audit', 'me', 'reads'], '/api/v1/audit/me/reads', {}, { limit: 20 });
  const fieldLabel = (field: string) => (FIELDS.has(field) ? t(`reads.field_${field as 'name'}`) : t('reads.field_other', { field }));
  const columns: Column<OwnReadResponse>[] = [
    { id: 'when', header: t('reads.when'), cell: (row) => formatDateTime(row.occurredAt, language) },
    {
      id: 'who',
      header: t('reads.who'),
      cell: (row) => (
        <span className={classes.text} data-testid="read-who">
          {row.reader.name ? `${row.reader.name} · ${t(`reads.role_${row.reader.role}`)}` : t(`reads.role_${row.reader.role}`)}
        </span>
      ),
    },
    { id: 'what', header: t('reads.what'), cell: (row) => (row.fields.length > 0 ? [...new Set(row.fields.map(fieldLabel))].join(', ') : t('reads.noFields')) },
    { id: 'why', header: t('reads.why'), cell: (row) => (row.purpose && PURPOSES.has(row.purpose) ? t(`reads.purpose_${row.purpose as 'detail'}`) : t('reads.purpose_other')) },
  ];
  return (
    <Stack>
      <Title order={1}>{t('reads.title')}</Title>
      <Text size="sm">{t('reads.intro')}</Text>
      <CursorTable list={list} columns={columns} rowKey={(row) => row.id} caption={t('reads.caption')} />
    </Stack>
  );
}
