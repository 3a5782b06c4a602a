import { Button, Checkbox, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { createPurchaseOrderBody, createSupplierBody, purchaseOrderReceiptBody } from '@ecar/contracts/requests/garage';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../../../shell/api/client.ts';
import { useCursorList } from '../../../shell/api/paging.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import { checkBody } from '../../lib/forms.ts';
import { NameForm } from '../../lib/NameForm.tsx';
import { ActionResult, formatThousandths, parseThousandths, Reference, Section, StatusBadge, useAction, When } from '../../lib/ui.tsx';
import { PartPicker } from './PartPicker.tsx';
import type { Part } from './types.ts';

type PurchaseOrderStatus = 'draft' | 'ordered' | 'partially_received' | 'received' | 'cancelled';

interface Supplier {
  id: string;
  name: string;
}

interface PurchaseOrder {
  id: string;
  /** `BC-2026-000007` */
  number: string;
  supplierId: string;
  location: string;
  status: PurchaseOrderStatus;
  lines: Array<{ partId: string; quantityMilli: number; unitCostMillimes: number | null; receivedMilli: number }>;
  createdAt: string;
}

const STATUS_COLOR: Record<PurchaseOrderStatus, string> = { draft: 'gray', ordered: 'blue', partially_received: 'yellow', received: 'teal', cancelled: 'red' };
const ORDERS_KEY = ['admin', 'purchase-orders'] as const;

function AddSupplier() {
  const { t } = useTranslation('parts');
  return <NameForm path="/api/v1/suppliers" schema={createSupplierBody} invalidate={['admin', 'suppliers']} label={t('purchase.supplierName')} submitLabel={t('purchase.addSupplier')} testId="supplier" />;
}

interface DraftForm {
  supplierId: string;
  location: string;
  lines: Array<{ partId: string; label: string; quantity: string; unitCost: string }>;
}

function DraftOrder({ suppliers }: { suppliers: Supplier[] }) {
  const { t } = useTranslation('parts');
  const fieldError = useFieldError();
  const client = useQueryClient();
  const form = useForm<DraftForm>({ defaultValues: { supplierId: suppliers[0]?.id ?? '', location: 'main', lines: [] } });
  const lines = useFieldArray({ control: form.control, name: 'lines' });
  const submit = form.handleSubmit(async (values) => {
    const fieldOf: Record<string, string> = {};
    values.lines.forEach((_, index) => {
      fieldOf[`lines.${index}.quantityMilli`] = `lines.${index}.quantity`;
      fieldOf[`lines.${index}.unitCostMillimes`] = `lines.${index}.unitCost`;
    });
    const body = checkBody(
      form,
      createPurchaseOrderBody,
      {
        supplierId: values.supplierId || suppliers[0]?.id,
        location: values.location.trim(),
        lines: values.lines.map((line) => ({
          partId: line.partId,
          quantityMilli: parseThousandths(line.quantity) ?? -1,
          ...(line.unitCost.trim() ? { unitCostMillimes: parseThousandths(line.unitCost) ?? -1 } : {}),
        })),
      },
      fieldOf,
    );
    if (!body) return;
    try {
      await apiJson('/api/v1/purchase-orders', { method: 'POST', json: body });
      form.reset({ supplierId: values.supplierId, location: values.location, lines: [] });
      await client.invalidateQueries({ queryKey: ORDERS_KEY });
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <form onSubmit={submit} noValidate data-testid="po-form">
      <Stack gap="xs">
        <Group align="flex-start" wrap="wrap">
          <NativeSelect label={t('purchase.supplier')} data={suppliers.map((supplier) => ({ value: supplier.id, label: supplier.name }))} {...form.register('supplierId')} />
          <TextInput label={t('stock.location')} required {...form.register('location')} error={fieldError(errors.location)} />
        </Group>
        {lines.fields.length > 0 ? (
          <ScrollX label={t('purchase.lines')}>
            <Table miw={420}>
              <Table.Caption c="gray.8">{t('purchase.lines')}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('fields.reference')}</Table.Th>
                  <Table.Th scope="col">{t('stock.quantity')}</Table.Th>
                  <Table.Th scope="col">{t('purchase.unitCost')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lines.fields.map((field, index) => (
                  <Table.Tr key={field.id} data-testid="po-line">
                    <Table.Td>
                      <bdi>{field.label}</bdi>
                    </Table.Td>
                    <Table.Td>
                      <TextInput aria-label={t('stock.quantity')} inputMode="decimal" w={96} {...form.register(`lines.${index}.quantity`)} error={fieldError(errors.lines?.[index]?.quantity)} />
                    </Table.Td>
                    <Table.Td>
                      <TextInput aria-label={t('purchase.unitCost')} inputMode="decimal" w={120} {...form.register(`lines.${index}.unitCost`)} error={fieldError(errors.lines?.[index]?.unitCost)} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollX>
        ) : null}
        <PartPicker onPick={(part: Part) => lines.append({ partId: part.id, label: `${part.brand} ${part.reference}`, quantity: '1', unitCost: '' })} />
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting} disabled={lines.fields.length === 0} data-testid="po-save">
            {t('purchase.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function OrderActions({ order }: { order: PurchaseOrder }) {
  const { t } = useTranslation('parts');
  const move = useAction((action: 'order' | 'receive' | 'cancel') => apiJson(`/api/v1/purchase-orders/${order.id}/${action}`, { method: 'POST', json: {} }), [ORDERS_KEY, ['admin', 'parts'], ['admin', 'stock-low']]);
  const actions = order.status === 'draft' ? (['order', 'cancel'] as const) : order.status === 'ordered' ? (['receive', 'cancel'] as const) : order.status === 'partially_received' ? (['receive'] as const) : [];
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="wrap">
        {actions.map((action) => (
          <Button key={action} size="xs" variant={action === 'cancel' ? 'default' : 'filled'} onClick={() => move.mutate(action)} loading={move.isPending && move.variables === action} data-po-action={action}>
            {t(action === 'receive' && order.status === 'partially_received' ? 'purchase.receiveRest' : `purchase.${action}`)}
          </Button>
        ))}
      </Group>
      <ActionResult mutation={move} />
    </Stack>
  );
}

interface ReceiptForm {
  quantities: string[];
  allowOverReceipt: boolean;
}

/**
 * One delivery of an ordered purchase order: the quantity that arrived per line (empty: none). The
 * receipt id is drawn once per delivery and kept until it succeeds, so a retry after a lost answer
 * (or a double click) is the same receipt and changes stock once.
 */
function PartialReceipt({ orders, partNames }: { orders: PurchaseOrder[]; partNames: Map<string, string> }) {
  const { t } = useTranslation('parts');
  const fieldError = useFieldError();
  const client = useQueryClient();
  const [orderId, setOrderId] = useState('');
  const [receiptId, setReceiptId] = useState(() => crypto.randomUUID());
  const [recorded, setRecorded] = useState(false);
  const order = orders.find((candidate) => candidate.id === orderId) ?? orders[0];
  const form = useForm<ReceiptForm>({ defaultValues: { quantities: [], allowOverReceipt: false } });
  if (!order) return null;
  const submit = form.handleSubmit(async (values) => {
    setRecorded(false);
    const fieldOf: Record<string, string> = {};
    const lines = order.lines.flatMap((_, position) => {
      const text = (values.quantities[position] ?? '').trim();
      if (!text) return [];
      fieldOf[`lines.${position}.quantityMilli`] = `quantities.${position}`;
      return [{ position, quantityMilli: parseThousandths(text) ?? -1 }];
    });
    const body = checkBody(form, purchaseOrderReceiptBody, { receiptId, lines, ...(values.allowOverReceipt ? { allowOverReceipt: true } : {}) }, fieldOf);
    if (!body) return;
    try {
      await apiJson(`/api/v1/purchase-orders/${order.id}/receipts`, { method: 'POST', json: body });
      setReceiptId(crypto.randomUUID());
      setRecorded(true);
      form.reset({ quantities: [], allowOverReceipt: false });
      await Promise.all([ORDERS_KEY, ['admin', 'parts'], ['admin', 'part'], ['admin', 'stock-low']].map((queryKey) => client.invalidateQueries({ queryKey })));
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="receipt-form">
      <Stack gap="xs">
        <NativeSelect
          label={t('purchase.list')}
          data={orders.map((candidate) => ({ value: candidate.id, label: candidate.number }))}
          value={order.id}
          onChange={(event) => {
            setOrderId(event.currentTarget.value);
            setReceiptId(crypto.randomUUID());
            form.reset({ quantities: [], allowOverReceipt: false });
          }}
        />
        <ScrollX label={t('purchase.lines')}>
          <Table miw={300}>
            <Table.Caption c="gray.8">{t('purchase.lines')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('fields.reference')}</Table.Th>
                <Table.Th scope="col">{t('purchase.receivedColumn')}</Table.Th>
                <Table.Th scope="col">{t('purchase.receiveNow')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {order.lines.map((line, position) => (
                <Table.Tr key={`${order.id}-${position}`} data-testid="receipt-line">
                  <Table.Td>
                    <bdi>{partNames.get(line.partId) ?? line.partId.slice(0, 8)}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <bdi>{`${formatThousandths(line.receivedMilli)} / ${formatThousandths(line.quantityMilli)}`}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <TextInput aria-label={t('purchase.receiveNow')} inputMode="decimal" w={80} {...form.register(`quantities.${position}`)} error={fieldError(form.formState.errors.quantities?.[position])} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollX>
        <Checkbox label={t('purchase.allowOver')} {...form.register('allowOverReceipt')} />
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting} data-testid="receipt-save">
            {t('purchase.recordReceipt')}
          </Button>
          {recorded ? (
            <Text size="sm" c="teal.9" role="status">
              {t('purchase.receiptRecorded')}
            </Text>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

/** Suppliers and purchase orders: draft → ordered → received (the receipt puts the parts in stock). */
export default function PurchaseOrdersScreen() {
  const { t } = useTranslation('parts');
  const { t: ta } = useTranslation('admin');
  const suppliers = useQuery({ queryKey: ['admin', 'suppliers'], queryFn: () => apiJson<{ items: Supplier[] }>('/api/v1/suppliers', { query: { limit: 100 } }) });
  const list = useCursorList<PurchaseOrder>(ORDERS_KEY, '/api/v1/purchase-orders', {}, { cursorParam: 'after' });
  const names = new Map((suppliers.data?.items ?? []).map((supplier) => [supplier.id, supplier.name]));
  const partIds = [...new Set(list.items.flatMap((order) => order.lines.map((line) => line.partId)))];
  const parts = useQueries({ queries: partIds.map((id) => ({ queryKey: ['admin', 'part', id], queryFn: () => apiJson<Part>(`/api/v1/parts/${id}`) })) });
  const partNames = new Map(parts.flatMap((query) => (query.data ? [[query.data.id, `${query.data.brand} ${query.data.reference}`] as const] : [])));
  const supplierItems = suppliers.data?.items ?? [];
  const receivable = list.items.filter((order) => order.status === 'ordered' || order.status === 'partially_received');
  return (
    <Stack>
      <Title order={1}>{t('purchase.title')}</Title>
      <Section title={t('purchase.suppliers')} testId="suppliers">
        <AddSupplier />
      </Section>
      <Section title={t('purchase.draftTitle')} testId="po-draft">
        {supplierItems.length === 0 ? <Text size="sm">{t('purchase.noSupplier')}</Text> : <DraftOrder suppliers={supplierItems} />}
      </Section>
      {receivable.length > 0 ? (
        <Section title={t('purchase.partialTitle')} testId="po-receipt">
          <PartialReceipt orders={receivable} partNames={partNames} />
        </Section>
      ) : null}
      <CursorTable
        list={list}
        caption={t('purchase.list')}
        rowKey={(row) => row.id}
        columns={[
          { id: 'id', header: '#', cell: (row) => <Reference number={row.number} id={row.id} /> },
          { id: 'supplier', header: t('purchase.supplier'), cell: (row) => names.get(row.supplierId) ?? '—' },
          {
            id: 'lines',
            header: t('purchase.lines'),
            cell: (row) => (
              <bdi>
                {row.lines
                  .map((line) => `${partNames.get(line.partId) ?? line.partId.slice(0, 8)} × ${formatThousandths(line.quantityMilli)}${row.status === 'partially_received' ? ` (${formatThousandths(line.receivedMilli)} ${t('purchase.receivedOf')})` : ''}`)
                  .join(', ')}
              </bdi>
            ),
          },
          { id: 'status', header: t('purchase.status'), cell: (row) => <StatusBadge value={row.status} color={STATUS_COLOR[row.status]} label={t(`purchase.statuses.${row.status}`)} /> },
          { id: 'created', header: t('purchase.created'), cell: (row) => <When at={row.createdAt} /> },
          { id: 'actions', header: ta('common.actions'), cell: (row) => <OrderActions order={row} /> },
        ]}
      />
    </Stack>
  );
}
