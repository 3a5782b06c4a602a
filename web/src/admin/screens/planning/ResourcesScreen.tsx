import { Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { bayBody } from '@ecar/contracts/requests/garage';
import type { BayResponse, DisplacedBooking, PlanningSettingsResponse, TechnicianScheduleResponse } from '@ecar/contracts/responses/garage';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useForm, type FieldValues, type UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ApiError, apiJson } from '../../../shell/api/client.ts';

import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { ErrorState, LoadingState } from '../../../shell/ui/states.tsx';
import { useTechnicians } from '../../lib/technicians.ts';
import { NameForm } from '../../lib/NameForm.tsx';
import { ActionResult, Section, useAction, When } from '../../lib/ui.tsx';

const BAYS_KEY = ['admin', 'bays'] as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

function Bays() {
  const { t } = useTranslation('planning');
  const bays = useQuery({ queryKey: BAYS_KEY, queryFn: ({ signal }) => apiJson<BayResponse[]>('/api/v1/bays', { signal }) });
  const toggle = useAction((bay: BayResponse) => apiJson(`/api/v1/bays/${bay.id}`, { method: 'PATCH', json: { active: !bay.active } }), [BAYS_KEY]);
  const remove = useAction((bay: BayResponse) => apiJson(`/api/v1/bays/${bay.id}`, { method: 'DELETE' }), [BAYS_KEY]);
  return (
    <Section title={t('bays.title')} testId="bays">
      <NameForm path="/api/v1/bays" schema={bayBody} invalidate={BAYS_KEY} label={t('bays.name')} submitLabel={t('bays.add')} testId="bay" />
      <ActionResult mutation={toggle} />
      <ActionResult mutation={remove} />
      {bays.isPending ? (
        <LoadingState />
      ) : bays.error ? (
        <ErrorState error={bays.error} />
      ) : (
        <ul>
          {bays.data.map((bay) => (
            <li key={bay.id} data-testid="bay">
              <Group gap="xs" wrap="wrap">
                <Text fw={600}>
                  <bdi>{bay.name}</bdi>
                </Text>
                <Text size="sm">{bay.active ? t('bays.active') : t('bays.inactive')}</Text>
                <Button size="xs" variant="default" onClick={() => toggle.mutate(bay)}>
                  {bay.active ? t('bays.deactivate') : t('bays.activate')}
                </Button>
                <Button size="xs" color="red" variant="outline" onClick={() => remove.mutate(bay)}>
                  {t('bays.delete')}
                </Button>
              </Group>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** `08:00-12:00, 13:00-17:00` ⇄ intervals of one weekday. */
const formatDay = (schedule: TechnicianScheduleResponse, weekday: number) =>
  schedule.hours
    .filter((interval) => interval.weekday === weekday)
    .map((interval) => `${interval.start}-${interval.end}`)
    .join(', ');
function parseDay(text: string, weekday: number): Array<{ weekday: number; start: string; end: string }> | undefined {
  const parts = text.split(',').map((part) => part.trim()).filter(Boolean);
  const intervals = parts.map((part) => /^(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/.exec(part));
  if (intervals.some((match) => !match)) return undefined;
  return intervals.map((match) => ({ weekday, start: match![1]!, end: match![2]! }));
}

/** The bookings a change of hours or absences would leave outside them (the 409's `conflicts`), if that is what the error says. */
function displacedBy(error: unknown): DisplacedBooking[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 409) return undefined;
  const conflicts = (error.problem as { conflicts?: unknown }).conflicts;
  return Array.isArray(conflicts) ? (conflicts as DisplacedBooking[]) : undefined;
}

/** The refused change, with the bookings it would leave outside and a way to make it anyway (they are flagged for re-planning). */
function ReplanPrompt({ displaced, onProceed, onCancel }: { displaced: DisplacedBooking[]; onProceed: () => void; onCancel: () => void }) {
  const { t } = useTranslation('planning');
  return (
    <Stack gap="xs" role="alert" data-testid="replan-prompt">
      <Text fw={700} c="red.9">
        {t('replan.refused', { count: displaced.length })}
      </Text>
      <ul>
        {displaced.map((item) => (
          <li key={item.bookingId} data-testid="displaced">
            <bdi>{item.reference ?? item.bookingId.slice(0, 8)}</bdi> · <When at={item.startsAt} /> · {t(`replan.reasons.${item.reason}`)}
          </li>
        ))}
      </ul>
      <Group>
        <Button color="red" onClick={onProceed} data-testid="replan-proceed">
          {t('replan.proceed')}
        </Button>
        <Button variant="default" onClick={onCancel}>
          {t('replan.cancel')}
        </Button>
      </Group>
    </Stack>
  );
}

function Hours({ technicianId }: { technicianId: string }) {
  const { t } = useTranslation('planning');
  const key = ['admin', 'technician-schedule', technicianId];
  const schedule = useQuery({ queryKey: key, queryFn: ({ signal }) => apiJson<TechnicianScheduleResponse>(`/api/v1/technicians/${technicianId}/schedule`, { signal }) });
  const form = useForm<Record<string, string>>({ defaultValues: {} });
  const absence = useForm<{ from: string; to: string; reason: string }>({ defaultValues: { from: '', to: '', reason: '' } });
  const fieldError = useFieldError();
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  /** A refused change waiting for the admin's choice: what it would displace, and how to send it again with replan. */
  const [pending, setPending] = useState<{ displaced: DisplacedBooking[]; send: (replan: boolean) => Promise<void> } | null>(null);
  useEffect(() => {
    if (schedule.data) form.reset(Object.fromEntries(WEEKDAYS.map((weekday) => [`d${weekday}`, formatDay(schedule.data, weekday)])));
  }, [schedule.data, form]);
  const removeAbsence = useAction((id: string) => apiJson(`/api/v1/technicians/${technicianId}/absences/${id}`, { method: 'DELETE' }), [key]);
  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    const hours: Array<{ weekday: number; start: string; end: string }> = [];
    for (const weekday of WEEKDAYS) {
      const parsed = parseDay(values[`d${weekday}`] ?? '', weekday);
      if (!parsed) {
        form.setError(`d${weekday}`, { type: 'format', message: t('hours.format') });
        return;
      }
      hours.push(...parsed);
    }
    const send = async (replan: boolean) => {
      await apiJson(`/api/v1/technicians/${technicianId}/hours`, { method: 'PUT', json: { hours, ...(replan ? { replan } : {}) } });
      setPending(null);
      setSaved(true);
      await Promise.all([client.invalidateQueries({ queryKey: key }), client.invalidateQueries({ queryKey: ['admin', 'planning'] })]);
    };
    await attempt(form, send);
  });
  /** Sends a change; refused for the bookings it displaces, it waits for the admin's choice. */
  const attempt = async <T extends FieldValues>(target: UseFormReturn<T>, send: (replan: boolean) => Promise<void>) => {
    try {
      await send(false);
    } catch (error) {
      const displaced = displacedBy(error);
      if (displaced) setPending({ displaced, send });
      else applyServerErrors(target, error);
    }
  };
  const proceed = async () => {
    if (!pending) return;
    try {
      await pending.send(true);
    } catch (error) {
      setPending(null);
      applyServerErrors(form, error);
    }
  };
  const addAbsence = absence.handleSubmit(async (values) => {
    const [fromDay = '', fromTime = ''] = values.from.split('T');
    const [toDay = '', toTime = ''] = values.to.split('T');
    const send = async (replan: boolean) => {
      await apiJson(`/api/v1/technicians/${technicianId}/absences`, {
        method: 'POST',
        json: { startsAt: tunisSlot(fromDay, fromTime.slice(0, 5)), endsAt: tunisSlot(toDay, toTime.slice(0, 5)), reason: values.reason.trim(), ...(replan ? { replan } : {}) },
      });
      setPending(null);
      absence.reset({ from: '', to: '', reason: '' });
      await Promise.all([client.invalidateQueries({ queryKey: key }), client.invalidateQueries({ queryKey: ['admin', 'planning'] })]);
    };
    await attempt(absence, send);
  });
  if (schedule.isPending) return <LoadingState />;
  if (schedule.error) return <ErrorState error={schedule.error} />;
  return (
    <Stack>
      {pending ? <ReplanPrompt displaced={pending.displaced} onProceed={() => void proceed()} onCancel={() => setPending(null)} /> : null}
      <form onSubmit={submit} noValidate data-testid="hours-form">
        <Stack gap="xs">
          <Text size="sm">{t('hours.help')}</Text>
          {WEEKDAYS.map((weekday) => (
            <TextInput key={weekday} label={t(`hours.weekday.${weekday}`)} placeholder="08:00-12:00, 13:00-17:00" dir="ltr" {...form.register(`d${weekday}`)} error={fieldError(form.formState.errors[`d${weekday}`])} />
          ))}
          <FormError form={form} />
          {saved ? (
            <Text c="teal.9" role="status" data-testid="hours-saved">
              {t('hours.saved')}
            </Text>
          ) : null}
          <Group>
            <Button type="submit" loading={form.formState.isSubmitting} data-testid="hours-save">
              {t('hours.save')}
            </Button>
          </Group>
        </Stack>
      </form>
      <Title order={3} size="h5">
        {t('absences.title')}
      </Title>
      <form onSubmit={addAbsence} noValidate data-testid="absence-form">
        <Group align="flex-end" wrap="wrap">
          <TextInput type="datetime-local" label={t('absences.from')} required {...absence.register('from')} error={fieldError(absence.formState.errors.from)} />
          <TextInput type="datetime-local" label={t('absences.to')} required {...absence.register('to')} error={fieldError(absence.formState.errors.to)} />
          <TextInput label={t('absences.reason')} required {...absence.register('reason')} error={fieldError(absence.formState.errors.reason)} />
          <Button type="submit" variant="default" loading={absence.formState.isSubmitting} data-testid="absence-save">
            {t('absences.add')}
          </Button>
        </Group>
        <FormError form={absence} />
      </form>
      <ActionResult mutation={removeAbsence} />
      {schedule.data.absences.length === 0 ? (
        <Text size="sm">{t('absences.none')}</Text>
      ) : (
        <Table>
          <Table.Caption>{t('absences.title')}</Table.Caption>
          <Table.Tbody>
            {schedule.data.absences.map((item) => (
              <Table.Tr key={item.id} data-testid="absence">
                <Table.Td>
                  <When at={item.startsAt} /> – <When at={item.endsAt} />
                </Table.Td>
                <Table.Td dir="auto">{item.reason}</Table.Td>
                <Table.Td>
                  <Button size="xs" color="red" variant="outline" onClick={() => removeAbsence.mutate(item.id)}>
                    {t('absences.remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** How customers book online: the per-slot capacity, or the planning. */
function OnlineBooking() {
  const { t } = useTranslation('planning');
  const key = ['admin', 'planning-settings'];
  const settings = useQuery({ queryKey: key, queryFn: ({ signal }) => apiJson<PlanningSettingsResponse>('/api/v1/planning/settings', { signal }) });
  const [mode, setMode] = useState<string | undefined>();
  const [minutes, setMinutes] = useState<string | undefined>();
  const save = useAction(
    () => apiJson('/api/v1/planning/settings', { method: 'PUT', json: { onlineBooking: mode ?? settings.data?.onlineBooking, bookingMinutes: Number(minutes ?? settings.data?.bookingMinutes) } }),
    [key],
  );
  if (settings.isPending) return <LoadingState />;
  if (settings.error) return <ErrorState error={settings.error} />;
  return (
    <Section title={t('settings.title')} testId="online-booking">
      <Group align="flex-end" wrap="wrap">
        <NativeSelect
          label={t('settings.mode')}
          data={[
            { value: 'capacity', label: t('settings.capacity') },
            { value: 'planning', label: t('settings.planning') },
          ]}
          value={mode ?? settings.data.onlineBooking}
          onChange={(event) => setMode(event.currentTarget.value)}
          data-testid="online-mode"
        />
        <TextInput type="number" label={t('settings.minutes')} min={15} max={600} step={15} value={minutes ?? String(settings.data.bookingMinutes)} onChange={(event) => setMinutes(event.currentTarget.value)} />
        <Button variant="default" onClick={() => save.mutate()} loading={save.isPending} data-testid="online-save">
          {t('settings.save')}
        </Button>
      </Group>
      <ActionResult mutation={save} success={t('settings.saved')} />
    </Section>
  );
}

/** Bays, and each technician's weekly hours and absences (super-admin). */
export default function ResourcesScreen() {
  const { t } = useTranslation('planning');
  const technicians = useTechnicians();
  const [chosen, setChosen] = useState('');
  const list = technicians.data ?? [];
  const technicianId = chosen || list[0]?.id || '';
  return (
    <Stack>
      <Title order={1}>{t('resources.title')}</Title>
      <OnlineBooking />
      <Bays />
      <Section title={t('hours.title')} testId="hours">
        {technicians.isPending ? (
          <LoadingState />
        ) : list.length === 0 ? (
          <Text>{t('hours.noTechnician')}</Text>
        ) : (
          <>
            <NativeSelect label={t('hours.technician')} data={list.map((user) => ({ value: user.id, label: user.displayName }))} value={technicianId} onChange={(event) => setChosen(event.currentTarget.value)} data-testid="hours-technician" />
            {technicianId ? <Hours key={technicianId} technicianId={technicianId} /> : null}
          </>
        )}
      </Section>
    </Stack>
  );
}

/** A `datetime-local` value read as Tunis wall-clock time (UTC+01:00 all year). */
function tunisSlot(day: string, time: string): string {
  return `${day}T${time}:00+01:00`;
}
