import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Card, Group, NativeSelect, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from '../workshop/zod.ts';
import { ApiError, apiJson } from '../shell/api/client.ts';
import { useCursorList, type CursorPage } from '../shell/api/paging.ts';
import { applyServerErrors } from '../shell/forms.ts';
import { TIME_ZONE, formatDateTime, tunisDay } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { useFieldError } from '../shell/ui/fields.ts';
import { FormError } from '../shell/ui/FormError.tsx';
import { EmptyState, ErrorState, LoadingState } from '../shell/ui/states.tsx';
import { useMyProfile } from './profile.ts';
import type { Vehicle } from './VehiclesScreen.tsx';
import classes from './customer.module.css';
import type { AppointmentResponse } from '@ecar/contracts/responses/garage';

type Appointment = AppointmentResponse;

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** The free slots of one Tunis day, as `HH:MM` (the service's free-slot query: per-slot capacity or the planning). */
function useFreeTimes(day: string) {
  return useQuery({
    queryKey: ['free-slots', day],
    enabled: /^\d{4}-\d{2}-\d{2}$/.test(day),
    queryFn: async ({ signal }) => {
      const next = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const slots = await apiJson<Array<{ start: string }>>('/api/v1/planning/free-slots', { query: { from: tunisSlot(day, '00:00'), to: tunisSlot(next, '00:00') }, signal });
      return slots.map((slot) => clock.format(new Date(slot.start)));
    },
  });
}

/** "2026-12-03" + "09:30" in Tunis → an ISO instant with Tunis's offset at that moment. */
export function tunisSlot(day: string, time: string): string {
  const probe = new Date(`${day}T${time}:00Z`);
  const name = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' }).formatToParts(probe).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = name === 'GMT' ? '+00:00' : name.replace('GMT', '');
  return `${day}T${time}:00${offset}`;
}

const bookingForm = z.object({
  vehicleId: z.string(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  time: z.string().regex(/^\d{2}:\d{2}$/),
  note: z.string().max(1000),
});
type BookingForm = z.infer<typeof bookingForm>;

function Book({ customerId }: { customerId: string }) {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  const queryClient = useQueryClient();
  const fieldError = useFieldError();
  const vehicles = useQuery({ queryKey: ['vehicles', 'mine', 'all'], queryFn: ({ signal }) => apiJson<CursorPage<Vehicle>>('/api/v1/vehicles', { query: { limit: 100 }, signal }) });
  const tomorrow = tunisDay(Date.now() + 24 * 3600_000);
  const form = useForm<BookingForm>({ resolver: zodResolver(bookingForm), defaultValues: { vehicleId: '', day: tomorrow, time: '09:00', note: '' } });
  const day = form.watch('day');
  const freeTimes = useFreeTimes(day);
  const times = freeTimes.data ?? [];
  const time = form.watch('time');
  useEffect(() => {
    if (times.length > 0 && !times.includes(time)) form.setValue('time', times[0]!);
  }, [times, time, form]);
  const book = useMutation({
    mutationFn: (values: BookingForm) =>
      apiJson('/api/v1/appointments', {
        method: 'POST',
        json: { customerId, slotStart: tunisSlot(values.day, values.time), ...(values.vehicleId ? { vehicleId: values.vehicleId } : {}), ...(values.note.trim() ? { note: values.note.trim() } : {}) },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['appointments'] }),
  });
  const submit = form.handleSubmit(async (values) => {
    try {
      await book.mutateAsync(values);
      form.reset({ ...values, note: '' });
      void queryClient.invalidateQueries({ queryKey: ['free-slots'] });
    } catch (error) {
      // The service names the slot `slotStart`: its refusal is shown under the day.
      const slot = error instanceof ApiError ? error.fieldErrors.find((field) => field.path === 'slotStart') : undefined;
      if (slot) form.setError('day', { type: 'server', message: slot.message }, { shouldFocus: true });
      else applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate aria-labelledby="book-title" data-testid="book">
        <Stack className={classes.narrow}>
          <Title order={2} size="h4" id="book-title">
            {t('appointments.book')}
          </Title>
          <FormError form={form} />
          {book.isSuccess ? (
            <Text c="teal.9" role="status" data-testid="booked">
              {t('appointments.booked')}
            </Text>
          ) : null}
          <NativeSelect
            label={t('appointments.vehicle')}
            data={[{ value: '', label: t('appointments.noVehicle') }, ...(vehicles.data?.items ?? []).map((vehicle) => ({ value: vehicle.id, label: `${vehicle.make} ${vehicle.model} · ${vehicle.plate}` }))]}
            {...form.register('vehicleId')}
          />
          <TextInput type="date" label={t('appointments.day')} min={tomorrow} {...form.register('day')} error={fieldError(errors.day)} />
          <NativeSelect label={t('appointments.time')} data={times} disabled={times.length === 0} {...form.register('time')} error={fieldError(errors.time)} />
          {freeTimes.isSuccess && times.length === 0 ? (
            <Text size="sm" role="status" data-testid="no-free-slot">
              {t('appointments.noFreeSlot')}
            </Text>
          ) : null}
          <Textarea label={t('appointments.note')} autosize minRows={2} {...form.register('note')} error={fieldError(errors.note)} />
          <Group>
            <Button type="submit" loading={form.formState.isSubmitting}>
              {t('appointments.request')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The customer's appointments (requested, confirmed, cancelled) and booking a new one. */
export default function AppointmentsScreen() {
  const { t, i18n } = useTranslation(['customer', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const queryClient = useQueryClient();
  const profile = useMyProfile();
  const appointments = useCursorList<Appointment>(['appointments', 'mine'], '/api/v1/appointments', {}, { cursorParam: 'after' });
  const cancel = useMutation({
    mutationFn: (id: string) => apiJson(`/api/v1/appointments/${id}/cancel`, { method: 'POST', json: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['appointments'] }),
  });
  return (
    <Stack>
      <Title order={1}>{t('appointments.title')}</Title>
      {profile.data ? <Book customerId={profile.data.id} /> : profile.error ? <ErrorState error={profile.error} /> : <LoadingState label={t('profile.preparing')} />}
      {cancel.error ? <ErrorState error={cancel.error} /> : null}
      <Title order={2} size="h4">
        {t('appointments.mine')}
      </Title>
      {appointments.query.isPending ? (
        <LoadingState />
      ) : appointments.query.error && appointments.items.length === 0 ? (
        <ErrorState error={appointments.query.error} onRetry={() => void appointments.query.refetch()} />
      ) : appointments.items.length === 0 ? (
        <EmptyState>{t('appointments.none')}</EmptyState>
      ) : (
        <ul className={classes.list}>
          {appointments.items.map((appointment) => (
            <li key={appointment.id}>
              <Card withBorder data-testid="appointment" data-status={appointment.status}>
                <Group justify="space-between" wrap="wrap">
                  <Stack gap={2}>
                    <Text fw={700}>{formatDateTime(appointment.slotStart, language)}</Text>
                    <Text size="sm" data-testid="appointment-number">
                      <bdi dir="ltr">{appointment.number}</bdi>
                    </Text>
                    <Text size="sm">{t(`appointments.status.${appointment.status}`)}</Text>
                    {appointment.note ? <Text size="sm" className={classes.text}>{appointment.note}</Text> : null}
                  </Stack>
                  {appointment.status === 'requested' || appointment.status === 'confirmed' ? (
                    <Button size="xs" color="red" variant="outline" loading={cancel.isPending && cancel.variables === appointment.id} onClick={() => cancel.mutate(appointment.id)}>
                      {t('appointments.cancel')}
                    </Button>
                  ) : null}
                </Group>
              </Card>
            </li>
          ))}
        </ul>
      )}
      {appointments.hasMore ? (
        <Button variant="default" loading={appointments.query.isFetchingNextPage} onClick={appointments.loadMore}>
          {t('common:actions.loadMore')}
        </Button>
      ) : null}
    </Stack>
  );
}
