import { Anchor, Button, Group, NativeSelect, Stack, TextInput, Title } from '@mantine/core';
import { createCustomerBody } from '@ecar/contracts/requests/garage';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { apiJson } from '../../../shell/api/client.ts';
import { useCursorList } from '../../../shell/api/paging.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { checkBody, compact, customerForm, type CustomerForm } from '../../lib/forms.ts';
import type { Customer, CustomerSummary } from '../../lib/types.ts';
import { Section, StatusBadge } from '../../lib/ui.tsx';
import { CounterSearch } from './CounterSearch.tsx';
import { CustomerFields } from './CustomerFields.tsx';

const LOOKUPS = ['email', 'phone', 'cin', 'taxId'] as const;
type Lookup = (typeof LOOKUPS)[number];

function CreateCustomer() {
  const { t } = useTranslation('admin');
  const navigate = useNavigate();
  const form = useForm<CustomerForm>({
    resolver: zodResolver(customerForm),
    defaultValues: { kind: 'person', name: '', phone: '', email: '', address: '', cin: '', taxId: '', consentMethod: '' },
  });
  const submit = form.handleSubmit(async (values) => {
    const { cin, taxId, ...rest } = compact(values);
    const identity = values.kind === 'company' ? { taxId } : { cin };
    const body = checkBody(form, createCustomerBody, compact({ ...rest, ...identity }));
    if (!body) return;
    try {
      const created = await apiJson<Customer>('/api/v1/customers', { method: 'POST', json: body });
      await navigate(`/customers/${created.id}`);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="customer-create">
      <Stack gap="sm">
        <CustomerFields form={form} creating />
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {t('common.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function CustomersScreen() {
  const { t } = useTranslation('admin');
  const [by, setBy] = useState<Lookup>('email');
  const [value, setValue] = useState('');
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [creating, setCreating] = useState(false);
  const list = useCursorList<CustomerSummary>(['admin', 'customers'], '/api/v1/customers', filters, { cursorParam: 'after' });
  return (
    <Stack>
      <Title order={1}>{t('customers.title')}</Title>
      <CounterSearch />
      <Section
        title={creating ? t('customers.newTitle') : t('customers.lookupTitle')}
        actions={
          <Button variant={creating ? 'default' : 'filled'} onClick={() => setCreating(!creating)} data-testid="customer-new">
            {creating ? t('common.back') : t('customers.new')}
          </Button>
        }
      >
        {creating ? (
          <CreateCustomer />
        ) : (
          <form
            role="search"
            onSubmit={(event) => {
              event.preventDefault();
              setFilters(value.trim() ? { [by]: value.trim() } : {});
            }}
          >
            <Stack gap="xs">
              <Group align="flex-end" wrap="wrap">
                <NativeSelect label={t('customers.lookupBy')} value={by} onChange={(event) => setBy(event.currentTarget.value as Lookup)} data={LOOKUPS.map((lookup) => ({ value: lookup, label: t(`customers.${lookup}`) }))} />
                <TextInput label={t('customers.lookupValue')} value={value} onChange={(event) => setValue(event.currentTarget.value)} name="lookup" />
                <Button type="submit">{t('common.search')}</Button>
                <Button
                  variant="default"
                  onClick={() => {
                    setValue('');
                    setFilters({});
                  }}
                >
                  {t('common.clear')}
                </Button>
              </Group>
              <span>{t('customers.lookupHint')}</span>
            </Stack>
          </form>
        )}
      </Section>
      <CursorTable
        list={list}
        caption={t('customers.list')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'name',
            header: t('customers.name'),
            cell: (row) => (
              <Anchor component={Link} to={`/customers/${row.id}`} data-testid="customer-link">
                {row.name}
              </Anchor>
            ),
          },
          { id: 'kind', header: t('customers.kind'), cell: (row) => t(`customers.kinds.${row.kind}`) },
          { id: 'phone', header: t('customers.phone'), cell: (row) => <bdi>{row.phone ?? '—'}</bdi> },
          { id: 'email', header: t('customers.email'), cell: (row) => row.email ?? '—' },
          { id: 'state', header: t('customers.anonymised'), cell: (row) => (row.anonymisedAt ? <StatusBadge value="anonymised" label={t('customers.anonymised')} /> : null) },
        ]}
      />
    </Stack>
  );
}
