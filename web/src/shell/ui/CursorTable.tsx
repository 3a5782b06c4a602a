import { Button, Group, Table } from '@mantine/core';
import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CursorList } from '../api/paging.ts';
import { ScrollX } from './ScrollX.tsx';
import stacked from './stackedTable.module.css';
import { EmptyState, ErrorState, LoadingState } from './states.tsx';

export interface Column<T> {
  /** Stable id of the column. */
  id: string;
  header: ReactNode;
  /** The cell; render API strings as text (JSX children), never as HTML. */
  cell: (row: T) => ReactNode;
}

const MIN_WIDTH = { '--stacked-min-width': '480px' } as CSSProperties;

/**
 * A table over a cursor-paged list with its loading, empty and error states and a "show more"
 * button while the API gives a next cursor. On phones each row is a card, each cell under its
 * column's header (a string header is the cell's data-label: stackedTable.module.css); from 36em
 * it is a table that scrolls inside its own box if it must, so the page never scrolls sideways.
 */
export function CursorTable<T>({ list, columns, rowKey, caption }: { list: CursorList<T>; columns: Column<T>[]; rowKey: (row: T) => string; caption: string }) {
  const { t } = useTranslation();
  const { query, items } = list;
  if (query.isPending) return <LoadingState />;
  if (query.error && items.length === 0) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (items.length === 0) return <EmptyState />;
  return (
    <>
      <ScrollX label={caption}>
        <Table striped highlightOnHover captionSide="top" className={stacked.table} style={MIN_WIDTH}>
          <Table.Caption c="gray.8">{caption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {columns.map((column) => (
                <Table.Th key={column.id} scope="col">
                  {column.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((row) => (
              <Table.Tr key={rowKey(row)}>
                {columns.map((column) => (
                  <Table.Td key={column.id} data-label={typeof column.header === 'string' ? column.header : undefined}>
                    {column.cell(row)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollX>
      {query.error ? <ErrorState error={query.error} onRetry={() => void query.refetch()} /> : null}
      {list.hasMore ? (
        <Group justify="center" mt="sm">
          <Button variant="default" loading={query.isFetchingNextPage} onClick={list.loadMore}>
            {t('actions.loadMore')}
          </Button>
        </Group>
      ) : null}
    </>
  );
}
