import { Anchor, Button, Checkbox, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { creditNoteBody, paymentBody, reversalBody, updateDraftBody } from '@ecar/contracts/requests/billing';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type CSSProperties } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { apiJson, downloadFile } from '../../../shell/api/client.ts';
import { formatDate } from '../../../shell/format.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import { EmptyState, QueryState } from '../../../shell/ui/states.tsx';
import { TeifPanel } from '../../invoices/TeifPanel.tsx';
import { checkBody } from '../../lib/forms.ts';
import type { CreditNote, DraftLine, Invoice, Payment, PaymentMethod, PaymentStatus } from '../../lib/types.ts';
import { ActionResult, ConfirmButton, formatRate, formatThousandths, Money, parseThousandths, Reference, Section, StatusBadge, useAction, useLanguage, When } from '../../lib/ui.tsx';
import stacked from '../../../shell/ui/stackedTable.module.css';

/** Invoice lines: cards on phones (stackedTable.module.css), a table of at least 560 px from 36em. */
const LINES_MIN_WIDTH = { '--stacked-min-width': '560px' } as CSSProperties;

const PAYMENT_COLOR: Record<PaymentStatus, string> = { draft: 'gray', unpaid: 'red', partially_paid: 'orange', paid: 'green', credited: 'violet' };
const VAT_RATES = ['1900', '1300', '700', '0'] as const;

function LinesTable({ lines, onRemove }: { lines: DraftLine[]; onRemove?: (index: number) => void }) {
  const { t } = useTranslation('admin');
  if (lines.length === 0) return <EmptyState />;
  return (
    <ScrollX label={t('invoices.lines')}>
      <Table className={stacked.table} style={LINES_MIN_WIDTH}>
        <Table.Caption c="gray.8">{t('invoices.lines')}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('workOrders.description')}</Table.Th>
            <Table.Th scope="col">{t('workOrders.quantity')}</Table.Th>
            <Table.Th scope="col">{t('workOrders.unitPrice')}</Table.Th>
            <Table.Th scope="col">{t('workOrders.vatRate')}</Table.Th>
            <Table.Th scope="col">{t('workOrders.amount')}</Table.Th>
            {onRemove ? <Table.Th scope="col">{t('common.actions')}</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((line, index) => (
            <Table.Tr key={`${index}-${line.description}`} data-testid="invoice-line">
              <Table.Td data-label={t('workOrders.description')}>
                <span dir="auto">{line.description}</span>
              </Table.Td>
              <Table.Td data-label={t('workOrders.quantity')}>{formatThousandths(line.quantityMilli)}</Table.Td>
              <Table.Td data-label={t('workOrders.unitPrice')}>
                <Money millimes={line.unitPriceMillimes} />
              </Table.Td>
              <Table.Td data-label={t('workOrders.vatRate')}>{formatRate(line.vatRateBp)}</Table.Td>
              <Table.Td data-label={t('workOrders.amount')}>
                <Money millimes={Math.round((line.quantityMilli * line.unitPriceMillimes) / 1000)} />
              </Table.Td>
              {onRemove ? (
                <Table.Td data-label={t('common.actions')}>
                  <Button size="xs" variant="subtle" color="red" onClick={() => onRemove(index)}>
                    {t('invoices.removeLine')}
                  </Button>
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollX>
  );
}

interface DraftForm {
  name: string;
  kind: 'person' | 'company';
  cin: string;
  taxId: string;
  address: string;
  stampExempt: boolean;
  description: string;
  quantity: string;
  unitPrice: string;
  vatRateBp: string;
}

function EditDraft({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation('admin');
  const fieldError = useFieldError();
  const client = useQueryClient();
  const [lines, setLines] = useState<DraftLine[]>(invoice.lines);
  const [saved, setSaved] = useState(false);
  const form = useForm<DraftForm>({
    defaultValues: {
      name: invoice.buyer.name,
      kind: invoice.buyer.kind,
      cin: invoice.buyer.cin ?? '',
      taxId: invoice.buyer.taxId ?? '',
      address: invoice.buyer.address ?? '',
      stampExempt: invoice.buyer.stampExempt ?? false,
      description: '',
      quantity: '1',
      unitPrice: '',
      vatRateBp: '1900',
    },
  });
  const kind = form.watch('kind');
  const addLine = () => {
    const values = form.getValues();
    const quantityMilli = parseThousandths(values.quantity);
    const unitPriceMillimes = parseThousandths(values.unitPrice);
    form.clearErrors();
    if (!values.description.trim()) form.setError('description', { type: 'required' });
    if (quantityMilli === undefined || quantityMilli < 1) form.setError('quantity', { type: 'invalid' });
    if (unitPriceMillimes === undefined) form.setError('unitPrice', { type: 'invalid' });
    if (!values.description.trim() || quantityMilli === undefined || quantityMilli < 1 || unitPriceMillimes === undefined) return;
    setLines([...lines, { kind: 'other', description: values.description.trim(), quantityMilli, unitPriceMillimes, vatRateBp: Number(values.vatRateBp) }]);
    form.setValue('description', '');
    form.setValue('unitPrice', '');
  };
  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    const buyer = {
      name: values.name,
      kind: values.kind,
      ...(values.kind === 'person' && values.cin.trim() ? { cin: values.cin.trim() } : {}),
      ...(values.kind === 'company' && values.taxId.trim() ? { taxId: values.taxId.trim() } : {}),
      ...(values.address.trim() ? { address: values.address.trim() } : {}),
      stampExempt: values.stampExempt,
    };
    const body = checkBody(form, updateDraftBody, { buyer, lines: lines.map(({ kind: lineKind, description, quantityMilli, unitPriceMillimes, vatRateBp }) => ({ kind: lineKind, description, quantityMilli, unitPriceMillimes, vatRateBp })) }, {
      'buyer.name': 'name',
      'buyer.cin': 'cin',
      'buyer.taxId': 'taxId',
      'buyer.address': 'address',
    });
    if (!body) return;
    try {
      const updated = await apiJson<Invoice>(`/api/v1/invoices/${invoice.id}`, { method: 'PATCH', json: body });
      client.setQueryData(['admin', 'invoice', invoice.id], updated);
      setSaved(true);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="draft-edit">
      <Stack gap="xs">
        <TextInput label={t('customers.name')} required {...form.register('name')} error={fieldError(form.formState.errors.name)} />
        <NativeSelect
          label={t('customers.kind')}
          data={[
            { value: 'person', label: t('customers.kinds.person') },
            { value: 'company', label: t('customers.kinds.company') },
          ]}
          {...form.register('kind')}
        />
        {kind === 'company' ? (
          <TextInput label={t('customers.taxId')} {...form.register('taxId')} error={fieldError(form.formState.errors.taxId)} />
        ) : (
          <TextInput label={t('customers.cin')} {...form.register('cin')} error={fieldError(form.formState.errors.cin)} />
        )}
        <TextInput label={t('customers.address')} {...form.register('address')} error={fieldError(form.formState.errors.address)} />
        <Checkbox label={t('invoices.stampExempt')} {...form.register('stampExempt')} />
        <LinesTable lines={lines} onRemove={(index) => setLines(lines.filter((_, at) => at !== index))} />
        <Group align="flex-start" wrap="wrap">
          <TextInput label={t('workOrders.description')} {...form.register('description')} error={fieldError(form.formState.errors.description)} />
          <TextInput label={t('workOrders.quantity')} inputMode="decimal" {...form.register('quantity')} error={fieldError(form.formState.errors.quantity)} />
          <TextInput label={t('workOrders.unitPrice')} inputMode="decimal" {...form.register('unitPrice')} error={fieldError(form.formState.errors.unitPrice)} />
          <NativeSelect label={t('workOrders.vatRate')} data={VAT_RATES.map((value) => ({ value, label: formatRate(Number(value)) }))} {...form.register('vatRateBp')} />
        </Group>
        <Group>
          <Button variant="default" onClick={addLine}>
            {t('invoices.addLine')}
          </Button>
          <Button type="submit" loading={form.formState.isSubmitting} data-testid="draft-save">
            {t('actions.save', { ns: 'common' })}
          </Button>
          {saved ? (
            <Text size="sm" role="status">
              {t('customers.saved')}
            </Text>
          ) : null}
        </Group>
        <FormError form={form} />
      </Stack>
    </form>
  );
}

interface PaymentForm {
  method: PaymentMethod;
  amount: string;
  receivedOn: string;
  cardReference: string;
  chequeNumber: string;
  chequeBank: string;
  transferReference: string;
}

function RecordPayment({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation('admin');
  const fieldError = useFieldError();
  const client = useQueryClient();
  const due = Math.max(invoice.balance.balanceMillimes, 0);
  const form = useForm<PaymentForm>({ defaultValues: { method: 'cash', amount: formatThousandths(due), receivedOn: '', cardReference: '', chequeNumber: '', chequeBank: '', transferReference: '' } });
  const method = form.watch('method');
  const submit = form.handleSubmit(async (values) => {
    const extra =
      values.method === 'card'
        ? values.cardReference.trim()
          ? { cardReference: values.cardReference.trim() }
          : {}
        : values.method === 'cheque'
          ? { chequeNumber: values.chequeNumber.trim(), chequeBank: values.chequeBank.trim() }
          : values.method === 'transfer'
            ? { transferReference: values.transferReference.trim() }
            : {};
    const body = checkBody(form, paymentBody, { method: values.method, amountMillimes: parseThousandths(values.amount) ?? -1, ...(values.receivedOn ? { receivedOn: values.receivedOn } : {}), ...extra }, { amountMillimes: 'amount' });
    if (!body) return;
    try {
      await apiJson(`/api/v1/invoices/${invoice.id}/payments`, { method: 'POST', json: body });
      await Promise.all([client.invalidateQueries({ queryKey: ['admin', 'invoice', invoice.id] }), client.invalidateQueries({ queryKey: ['admin', 'payments', invoice.id] })]);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="payment-form">
      <Stack gap="xs">
        <Group align="flex-start" wrap="wrap">
          <NativeSelect label={t('invoices.method')} data={(['cash', 'card', 'cheque', 'transfer'] as const).map((value) => ({ value, label: t(`invoices.methods.${value}`) }))} {...form.register('method')} />
          <TextInput label={t('invoices.amount')} inputMode="decimal" required {...form.register('amount')} error={fieldError(form.formState.errors.amount)} />
          <TextInput label={t('invoices.receivedOn')} type="date" {...form.register('receivedOn')} error={fieldError(form.formState.errors.receivedOn)} />
          {method === 'card' ? <TextInput label={t('invoices.cardReference')} {...form.register('cardReference')} error={fieldError(form.formState.errors.cardReference)} /> : null}
          {method === 'cheque' ? (
            <>
              <TextInput label={t('invoices.chequeNumber')} required {...form.register('chequeNumber')} error={fieldError(form.formState.errors.chequeNumber)} />
              <TextInput label={t('invoices.chequeBank')} required {...form.register('chequeBank')} error={fieldError(form.formState.errors.chequeBank)} />
            </>
          ) : null}
          {method === 'transfer' ? <TextInput label={t('invoices.transferReference')} required {...form.register('transferReference')} error={fieldError(form.formState.errors.transferReference)} /> : null}
        </Group>
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting} data-testid="payment-submit">
            {t('invoices.recordPayment')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ReversePayment({ invoice, payment }: { invoice: Invoice; payment: Payment }) {
  const { t } = useTranslation('admin');
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const reverse = useAction(() => apiJson(`/api/v1/invoices/${invoice.id}/payments/${payment.id}/reverse`, { method: 'POST', json: { reason } }), [['admin', 'invoice', invoice.id], ['admin', 'payments', invoice.id]]);
  if (!open) {
    return (
      <Button size="xs" variant="subtle" color="red" onClick={() => setOpen(true)}>
        {t('invoices.reverse')}
      </Button>
    );
  }
  return (
    <Stack gap={4}>
      <TextInput label={t('invoices.reason')} value={reason} onChange={(event) => setReason(event.currentTarget.value)} error={problem} />
      <Group gap="xs">
        <Button
          size="xs"
          color="red"
          loading={reverse.isPending}
          onClick={() => {
            const parsed = reversalBody.safeParse({ reason });
            setProblem(parsed.success ? undefined : t('form.required', { ns: 'common' }));
            if (parsed.success) reverse.mutate();
          }}
        >
          {t('common.confirm')}
        </Button>
        <Button size="xs" variant="default" onClick={() => setOpen(false)}>
          {t('common.no')}
        </Button>
      </Group>
      <ActionResult mutation={reverse} />
    </Stack>
  );
}

function Payments({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation('admin');
  const language = useLanguage();
  const query = useQuery({ queryKey: ['admin', 'payments', invoice.id], queryFn: () => apiJson<{ items: Payment[] }>(`/api/v1/invoices/${invoice.id}/payments`) });
  return (
    <Section title={t('invoices.payments')} testId="payments">
      <QueryState query={query}>
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState>{t('invoices.noPayments')}</EmptyState>
          ) : (
            <Stack gap="xs">
              {data.items.map((payment) => (
                <Group key={payment.id} justify="space-between" wrap="wrap" data-testid="payment-row">
                  <Text td={payment.reversed ? 'line-through' : undefined}>
                    {`${t(`invoices.methods.${payment.method}`)} · `}
                    <Money millimes={payment.amountMillimes} />
                    {` · ${payment.receivedOn ? formatDate(payment.receivedOn, language) : ''}`}
                    {payment.chequeNumber ? ` · ${payment.chequeNumber} ${payment.chequeBank ?? ''}` : ''}
                    {payment.transferReference ? ` · ${payment.transferReference}` : ''}
                  </Text>
                  {payment.reversal ? (
                    <Text size="sm">{t('invoices.reversed', { date: formatDate(payment.reversal.reversedAt, language), reason: payment.reversal.reason })}</Text>
                  ) : (
                    <ReversePayment invoice={invoice} payment={payment} />
                  )}
                </Group>
              ))}
            </Stack>
          )
        }
      </QueryState>
      {invoice.balance.balanceMillimes > 0 ? <RecordPayment key={invoice.balance.balanceMillimes} invoice={invoice} /> : null}
    </Section>
  );
}

function CreditNotes({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation('admin');
  const query = useQuery({ queryKey: ['admin', 'credit-notes', invoice.id], queryFn: () => apiJson<{ items: CreditNote[] }>(`/api/v1/invoices/${invoice.id}/credit-notes`) });
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const issue = useAction(() => apiJson(`/api/v1/invoices/${invoice.id}/credit-notes`, { method: 'POST', json: { reason, full: true } }), [['admin', 'invoice', invoice.id], ['admin', 'credit-notes', invoice.id]], () => setReason(''));
  const pdf = useAction((note: CreditNote) => downloadFile(`/api/v1/credit-notes/${note.id}/pdf`, `${note.number}.pdf`));
  return (
    <Section title={t('invoices.creditNotes')} testId="credit-notes">
      <QueryState query={query}>
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState>{t('invoices.noCreditNotes')}</EmptyState>
          ) : (
            <Stack gap="xs">
              {data.items.map((note) => (
                <Group key={note.id} wrap="wrap" data-testid="credit-note-row">
                  <Text>{`${note.number} · ${note.reason} · `}</Text>
                  <Money millimes={note.totals.ttcMillimes} />
                  <Button size="xs" variant="light" onClick={() => pdf.mutate(note)}>
                    {t('invoices.pdf')}
                  </Button>
                  <TeifPanel kind="credit-note" id={note.id} number={note.number} />
                </Group>
              ))}
            </Stack>
          )
        }
      </QueryState>
      <ActionResult mutation={pdf} />
      {invoice.balance.creditableMillimes > 0 ? (
        <Stack gap="xs">
          <TextInput label={`${t('invoices.creditFull')} — ${t('invoices.reason')}`} value={reason} onChange={(event) => setReason(event.currentTarget.value)} error={problem} />
          <Group>
            <ConfirmButton
              label={t('invoices.issueCreditNote')}
              question={t('invoices.creditFull')}
              onConfirm={() => {
                const parsed = creditNoteBody.safeParse({ reason, full: true });
                setProblem(parsed.success ? undefined : t('form.required', { ns: 'common' }));
                if (parsed.success) issue.mutate();
              }}
              loading={issue.isPending}
            />
          </Group>
          <ActionResult mutation={issue} success={t('invoices.creditIssued')} />
        </Stack>
      ) : null}
    </Section>
  );
}

function Totals({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation('admin');
  const { totals, balance } = invoice;
  const row = (label: string, millimes: number, strong = false) => (
    <Text fw={strong ? 700 : undefined}>
      {`${label} : `}
      <Money millimes={millimes} />
    </Text>
  );
  return (
    <Stack gap={2} data-testid="invoice-totals">
      {invoice.vat.map((bucket) => (
        <Text size="sm" key={bucket.rateBp}>
          {t('invoices.vatRow', { rate: formatRate(bucket.rateBp), base: '' })}
          <Money millimes={bucket.baseMillimes} />
          {' = '}
          <Money millimes={bucket.vatMillimes} />
        </Text>
      ))}
      {row(t('invoices.totals.ht'), totals.htMillimes)}
      {row(t('invoices.totals.vat'), totals.vatMillimes)}
      {row(t('invoices.totals.stamp'), totals.stampMillimes)}
      {row(t('invoices.totals.ttc'), totals.ttcMillimes, true)}
      <Text size="sm" lang="fr">{`${t('invoices.totals.words')} : ${totals.ttcInWords}`}</Text>
      {invoice.status === 'issued' ? (
        <>
          {row(t('invoices.balance.paid'), balance.paidMillimes)}
          {row(t('invoices.balance.credited'), balance.creditedMillimes)}
          <Text fw={700} data-testid="balance-due">
            {`${t('invoices.balance.due')} : `}
            <Money millimes={balance.balanceMillimes} />
          </Text>
        </>
      ) : (
        <Text size="sm" c="gray.7">
          {t('invoices.provisional')}
        </Text>
      )}
    </Stack>
  );
}

export default function InvoiceScreen() {
  const { t } = useTranslation('admin');
  const { id = '' } = useParams();
  const query = useQuery({ queryKey: ['admin', 'invoice', id], queryFn: () => apiJson<Invoice>(`/api/v1/invoices/${id}`) });
  const issue = useAction(() => apiJson<Invoice>(`/api/v1/invoices/${id}/issue`, { method: 'POST', json: {} }), [['admin', 'invoice', id], ['admin', 'invoices']]);
  const pdf = useAction((invoice: Invoice) => downloadFile(`/api/v1/invoices/${invoice.id}/pdf`, `${invoice.number ?? 'facture'}.pdf`));
  const teif = useAction((invoice: Invoice) => downloadFile(`/api/v1/invoices/${invoice.id}/teif`, `TEIF_${invoice.number ?? invoice.id}.xml`));
  return (
    <QueryState query={query}>
      {(invoice) => (
        <Stack>
          <Group justify="space-between" wrap="wrap">
            <Title order={1} data-testid="invoice-title">
              {invoice.number ? (
                <>
                  {`${t('invoices.detail')} `}
                  <bdi dir="ltr">{invoice.number}</bdi>
                </>
              ) : (
                t('invoices.draftTitle')
              )}
            </Title>
            <StatusBadge value={invoice.paymentStatus} color={PAYMENT_COLOR[invoice.paymentStatus]} label={t(`invoices.paymentStatuses.${invoice.paymentStatus}`)} />
          </Group>
          <Group wrap="wrap">
            {invoice.issueDate ? <When at={invoice.issueDate} dateOnly /> : null}
            {invoice.workOrderId ? (
              <Anchor component={Link} to={`/work-orders/${invoice.workOrderId}`}>
                {`${t('invoices.fromWorkOrder')} `}
                <Reference number={invoice.workOrderNumber} id={invoice.workOrderId} />
              </Anchor>
            ) : null}
          </Group>
          <Group wrap="wrap">
            {invoice.status === 'draft' ? (
              <ConfirmButton label={t('invoices.issue')} question={t('invoices.issueConfirm')} onConfirm={() => issue.mutate()} loading={issue.isPending} testId="invoice-issue" />
            ) : (
              <>
                <Button variant="light" onClick={() => pdf.mutate(invoice)} loading={pdf.isPending} data-testid="invoice-pdf">
                  {t('invoices.pdf')}
                </Button>
                <Button variant="default" onClick={() => teif.mutate(invoice)} loading={teif.isPending} data-testid="invoice-teif">
                  {t('invoices.teif')}
                </Button>
              </>
            )}
          </Group>
          <ActionResult mutation={issue} success={t('invoices.issued')} />
          <ActionResult mutation={pdf} />
          <ActionResult mutation={teif} />
          {invoice.status === 'issued' && invoice.number ? <TeifPanel kind="invoice" id={invoice.id} number={invoice.number} /> : null}
          <Section title={t('invoices.buyerTitle')}>
            {invoice.status === 'draft' ? (
              <EditDraft key={invoice.lines.length + invoice.buyer.name} invoice={invoice} />
            ) : (
              <Stack gap={2}>
                <Text fw={600}>{invoice.buyer.name}</Text>
                {invoice.buyer.address ? <Text size="sm">{invoice.buyer.address}</Text> : null}
                {invoice.buyer.cin ? (
                  <Text size="sm">
                    {`${t('customers.cin')} : `}
                    <bdi dir="ltr">{invoice.buyer.cin}</bdi>
                  </Text>
                ) : null}
                {invoice.buyer.taxId ? (
                  <Text size="sm">
                    {`${t('customers.taxId')} : `}
                    <bdi dir="ltr">{invoice.buyer.taxId}</bdi>
                  </Text>
                ) : null}
                <LinesTable lines={invoice.lines} />
              </Stack>
            )}
            <Totals invoice={invoice} />
          </Section>
          {invoice.status === 'issued' ? (
            <>
              <Payments invoice={invoice} />
              <CreditNotes invoice={invoice} />
            </>
          ) : null}
        </Stack>
      )}
    </QueryState>
  );
}
