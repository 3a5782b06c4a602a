import { Anchor, Button, Group, NativeSelect, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { createAppointmentBody } from '@ecar/contracts/requests/garage';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { apiJson } from '../../../shell/api/client.ts';
import type { CursorPage } from '../../../shell/api/paging.ts';
import { formatDate, formatTime, tunisDay } from '../../../shell/format.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { EmptyState, QueryState } from '../../../shell/ui/states.tsx';
import { checkBody } from '../../lib/forms.ts';
import type { Appointment, WorkOrder } from '../../lib/types.ts';
import { ActionResult, Reference, Section, ShortId, StatusBadge, useAction, useLanguage } from '../../lib/ui.tsx';
import { ScheduleForm } from '../planning/ScheduleForm.tsx';

/** Tunis keeps UTC+1 all year (no daylight saving): a local slot is `<day>T<time>+01:00`. */
const TUNIS_OFFSET = '+01:00';
const SLOT_TIMES = Array.from({ length: 20 }, (_, index) => `${String(8 + Math.floor(index / 2)).padStart(2, '0')}:${index % 2 ? '30' : '00'}`);
const STATUS_COLOR = { requested: 'orange', confirmed: 'green', cancelled: 'gray' } as const;

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Monday of the week of `day`. */
function weekStart(day: string): string {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** Every appointment of the range: the API pages by id, the calendar needs them all, in time order. */
async function appointmentsBetween(from: string, to: string): Promise<Appointment[]> {
  const all: Appointment[] = [];
  let after: string | undefined;
  do {
    const page = await apiJson<CursorPage<Appointment>>('/api/v1/appointments', { query: { from, to, limit: 100, after } });
    all.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after);
  return all.sort((a, b) => a.slotStart.localeCompare(b.slotStart));
}

interface BookForm {
  customerId: string;
  vehicleId: string;
  day: string;
  time: string;
  note: string;
}

function Book({ day, customerId }: { day: string; customerId: string }) {
  const { t } = useTranslation('admin');
  const fieldError = useFieldError();
  const client = useQueryClient();
  const form = useForm<BookForm>({ defaultValues: { customerId, vehicleId: '', day, time: '09:00', note: '' } });
  const submit = form.handleSubmit(async (values) => {
    const body = checkBody(
      form,
      createAppointmentBody,
      { customerId: values.customerId.trim(), ...(values.vehicleId.trim() ? { vehicleId: values.vehicleId.trim() } : {}), slotStart: `${values.day}T${values.time}:00${TUNIS_OFFSET}`, ...(values.note.trim() ? { note: values.note.trim() } : {}) },
      { slotStart: 'day' },
    );
    if (!body) return;
    try {
      await apiJson('/api/v1/appointments', { method: 'POST', json: { ...body, slotStart: `${values.day}T${values.time}:00${TUNIS_OFFSET}` } });
      form.reset({ ...values, note: '' });
      await client.invalidateQueries({ queryKey: ['admin', 'appointments'] });
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="appointment-book">
      <Stack gap="xs">
        <Text size="sm">{t('appointments.chooseCustomer')}</Text>
        <Group align="flex-start" wrap="wrap">
          <TextInput label={t('appointments.customerId')} required {...form.register('customerId')} error={fieldError(form.formState.errors.customerId)} />
          <TextInput label={t('appointments.vehicleId')} {...form.register('vehicleId')} error={fieldError(form.formState.errors.vehicleId)} />
          <TextInput type="date" label={t('appointments.date')} required {...form.register('day')} error={fieldError(form.formState.errors.day)} />
          <NativeSelect label={t('appointments.time')} data={SLOT_TIMES} {...form.register('time')} />
          <TextInput label={t('appointments.note')} {...form.register('note')} error={fieldError(form.formState.errors.note)} />
        </Group>
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {t('appointments.book')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Issue 14: book the appointment on a technician and a bay (free times only). */
function PlanOnBoard({ appointmentId }: { appointmentId: string }) {
  const { t } = useTranslation('planning');
  const [shown, setShown] = useState(false);
  return shown ? (
    <ScheduleForm path={`/api/v1/appointments/${appointmentId}/schedule`} invalidate={[['admin', 'appointments']]} />
  ) : (
    <Group>
      <Button size="xs" variant="subtle" onClick={() => setShown(true)} data-testid="appointment-schedule">
        {t('schedule.title')}
      </Button>
    </Group>
  );
}

function AppointmentActions({ appointment }: { appointment: Appointment }) {
  const { t } = useTranslation('admin');
  const navigate = useNavigate();
  const [day, setDay] = useState(tunisDay(appointment.slotStart));
  const [time, setTime] = useState(SLOT_TIMES[2] ?? '09:00');
  const [complaint, setComplaint] = useState(appointment.note ?? '');
  const invalidate = [['admin', 'appointments']] as const;
  const confirm = useAction(() => apiJson(`/api/v1/appointments/${appointment.id}/confirm`, { method: 'POST', json: {} }), invalidate);
  const cancel = useAction(() => apiJson(`/api/v1/appointments/${appointment.id}/cancel`, { method: 'POST', json: {} }), invalidate);
  const reschedule = useAction(() => apiJson(`/api/v1/appointments/${appointment.id}/reschedule`, { method: 'POST', json: { slotStart: `${day}T${time}:00${TUNIS_OFFSET}` } }), invalidate);
  const open = useAction(
    () => apiJson<WorkOrder>('/api/v1/work-orders', { method: 'POST', json: { appointmentId: appointment.id, complaint: complaint.trim() || '—' } }),
    [],
    (order) => void navigate(`/work-orders/${order.id}`),
  );
  if (appointment.status === 'cancelled') return null;
  return (
    <Stack gap={4}>
      <Group gap={4} wrap="wrap">
        {appointment.status === 'requested' ? (
          <Button size="xs" onClick={() => confirm.mutate()} loading={confirm.isPending} data-testid="appointment-confirm">
            {t('appointments.confirm')}
          </Button>
        ) : null}
        <Button size="xs" variant="default" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
          {t('appointments.cancel')}
        </Button>
      </Group>
      <Group gap={4} wrap="wrap" align="flex-end">
        <TextInput size="xs" type="date" label={t('appointments.date')} value={day} onChange={(event) => setDay(event.currentTarget.value)} />
        <NativeSelect size="xs" label={t('appointments.time')} data={SLOT_TIMES} value={time} onChange={(event) => setTime(event.currentTarget.value)} />
        <Button size="xs" variant="light" onClick={() => reschedule.mutate()} loading={reschedule.isPending}>
          {t('appointments.reschedule')}
        </Button>
      </Group>
      {appointment.status === 'confirmed' ? (
        <Group gap={4} wrap="wrap" align="flex-end">
          <TextInput size="xs" label={t('workOrders.complaint')} value={complaint} onChange={(event) => setComplaint(event.currentTarget.value)} />
          <Button size="xs" variant="light" onClick={() => open.mutate()} loading={open.isPending}>
            {t('appointments.openWorkOrder')}
          </Button>
        </Group>
      ) : null}
      {[confirm, cancel, reschedule, open].map((mutation, index) => (
        <ActionResult key={index} mutation={mutation} />
      ))}
      <PlanOnBoard appointmentId={appointment.id} />
    </Stack>
  );
}

export default function AppointmentsScreen() {
  const { t } = useTranslation('admin');
  const language = useLanguage();
  const [params] = useSearchParams();
  const [view, setView] = useState<'day' | 'week'>('week');
  const [anchor, setAnchor] = useState(tunisDay(new Date()));
  const first = view === 'week' ? weekStart(anchor) : anchor;
  const days = Array.from({ length: view === 'week' ? 7 : 1 }, (_, index) => addDays(first, index));
  const last = days[days.length - 1] ?? first;
  const from = `${first}T00:00:00${TUNIS_OFFSET}`;
  const to = `${addDays(last, 1)}T00:00:00${TUNIS_OFFSET}`;
  const query = useQuery({ queryKey: ['admin', 'appointments', from, to], queryFn: () => appointmentsBetween(from, to) });
  const step = view === 'week' ? 7 : 1;
  return (
    <Stack>
      <Title order={1}>{t('appointments.title')}</Title>
      <Section title={t('appointments.bookTitle')}>
        <Book day={anchor} customerId={params.get('customer') ?? ''} />
      </Section>
      <Group wrap="wrap">
        <SegmentedControl
          aria-label={t('appointments.title')}
          value={view}
          onChange={(value) => setView(value === 'day' ? 'day' : 'week')}
          data={[
            { value: 'day', label: t('appointments.day') },
            { value: 'week', label: t('appointments.week') },
          ]}
        />
        <Button variant="default" onClick={() => setAnchor(addDays(anchor, -step))}>
          {t('appointments.previous')}
        </Button>
        <Button variant="default" onClick={() => setAnchor(tunisDay(new Date()))}>
          {t('appointments.today')}
        </Button>
        <Button variant="default" onClick={() => setAnchor(addDays(anchor, step))}>
          {t('appointments.next')}
        </Button>
        <Text data-testid="appointments-range">{t('appointments.range', { from: formatDate(from, language), to: formatDate(`${last}T12:00:00${TUNIS_OFFSET}`, language) })}</Text>
      </Group>
      <QueryState query={query}>
        {(appointments) =>
          appointments.length === 0 ? (
            <EmptyState>{t('appointments.empty')}</EmptyState>
          ) : (
            <Stack gap="sm">
              {days.map((day) => {
                const ofDay = appointments.filter((appointment) => tunisDay(appointment.slotStart) === day);
                if (ofDay.length === 0) return null;
                return (
                  <Section key={day} title={formatDate(`${day}T12:00:00${TUNIS_OFFSET}`, language)}>
                    {ofDay.map((appointment) => (
                      <Group key={appointment.id} align="flex-start" wrap="wrap" data-testid="appointment-row">
                        <Text fw={700}>{formatTime(appointment.slotStart, language)}</Text>
                        <Text data-testid="appointment-number">
                          <Reference number={appointment.number} id={appointment.id} />
                        </Text>
                        <StatusBadge value={appointment.status} color={STATUS_COLOR[appointment.status]} label={t(`appointments.statuses.${appointment.status}`)} />
                        <Anchor component={Link} to={`/customers/${appointment.customerId}`}>
                          <ShortId id={appointment.customerId} />
                        </Anchor>
                        {appointment.note ? <Text size="sm">{appointment.note}</Text> : null}
                        <AppointmentActions appointment={appointment} />
                      </Group>
                    ))}
                  </Section>
                );
              })}
            </Stack>
          )
        }
      </QueryState>
    </Stack>
  );
}
