import { Anchor, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import type { BookingResponse, PlanningDayResponse, ReplanningResponse } from '@ecar/contracts/responses/garage';
import { useQuery } from '@tanstack/react-query';
import { useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { apiJson } from '../../../shell/api/client.ts';
import { formatTime, tunisDay } from '../../../shell/format.ts';
import { EmptyState, ErrorState, LoadingState } from '../../../shell/ui/states.tsx';
import { useTechnicians } from '../../lib/technicians.ts';
import { Section, StatusBadge, useLanguage, When } from '../../lib/ui.tsx';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import classes from './planning.module.css';

/** The board's track: 06:00 to 21:00 in Tunis. */
const FIRST_HOUR = 6;
const LAST_HOUR = 21;

/** Offsets of the day's instants on the track, in % (Tunis is UTC+01:00 all year). */
function useTrack(date: string) {
  const origin = Date.parse(`${date}T${String(FIRST_HOUR).padStart(2, '0')}:00:00+01:00`);
  const length = (LAST_HOUR - FIRST_HOUR) * 3_600_000;
  return (start: string, end: string): CSSProperties | undefined => {
    const from = Math.max(0, Date.parse(start) - origin);
    const to = Math.min(length, Date.parse(end) - origin);
    if (to <= from) return undefined;
    return { '--start': String((from / length) * 100), '--span': String(((to - from) / length) * 100) } as CSSProperties;
  };
}

function BookingBlock({ booking, place, label }: { booking: BookingResponse; place: CSSProperties; label: string }) {
  const language = useLanguage();
  const { t } = useTranslation('planning');
  const target = booking.workOrderId ? `/work-orders/${booking.workOrderId}` : '/appointments';
  const title = booking.replanReason ? `${label} · ${t('replan.marked', { reason: t(`replan.reasons.${booking.replanReason}`) })}` : label;
  return (
    <Anchor
      component={Link}
      to={target}
      className={`${classes.segment} ${classes.booking}${booking.replanReason ? ` ${classes.replan}` : ''}`}
      style={place}
      data-testid="booking-block"
      data-replan={booking.replanReason ?? undefined}
      title={title}
    >
      <bdi>
        {formatTime(booking.startsAt, language)} {label}
      </bdi>
    </Anchor>
  );
}

/** Bookings a change of hours or absences, made anyway, left outside them: each to move (or cancel), which clears it. */
function Replanning({ nameOf }: { nameOf: (id: string) => string }) {
  const { t } = useTranslation('planning');
  const list = useCursorList<ReplanningResponse>(['admin', 'planning', 'replanning'], '/api/v1/planning/replanning', {}, { cursorParam: 'after' });
  if (list.query.isSuccess && list.items.length === 0) return null;
  return (
    <Section title={t('replan.title')} testId="replanning">
      <Text size="sm">{t('replan.help')}</Text>
      <CursorTable
        list={list}
        caption={t('replan.title')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'reference',
            header: t('replan.reference'),
            cell: (row) => (
              <Anchor component={Link} to={row.workOrderId ? `/work-orders/${row.workOrderId}` : '/appointments'} data-testid="replan-item">
                <bdi>{row.reference}</bdi>
              </Anchor>
            ),
          },
          { id: 'when', header: t('replan.when'), cell: (row) => <When at={row.startsAt} /> },
          { id: 'technician', header: t('replan.technician'), cell: (row) => nameOf(row.technicianId) },
          { id: 'reason', header: t('replan.reason'), cell: (row) => <StatusBadge value={row.replanReason ?? 'outside_hours'} color="red" label={t(`replan.reasons.${row.replanReason ?? 'outside_hours'}`)} /> },
        ]}
      />
    </Section>
  );
}

/** The super-admin's day: rows per technician and per bay, bookings as blocks; a list on phones; the bookings to re-plan. */
export default function PlanningScreen() {
  const { t } = useTranslation('planning');
  const language = useLanguage();
  const [date, setDate] = useState(() => tunisDay(Date.now()));
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const day = useQuery({
    queryKey: ['admin', 'planning', 'day', date],
    enabled: valid,
    queryFn: ({ signal }) => apiJson<PlanningDayResponse>('/api/v1/planning/day', { query: { date }, signal }),
  });
  const technicians = useTechnicians();
  const names = new Map((technicians.data ?? []).map((user) => [user.id, user.displayName]));
  const nameOf = (id: string) => names.get(id) ?? id.slice(0, 8);
  const place = useTrack(date);
  const data = day.data;
  const bayName = new Map((data?.bays ?? []).map((bay) => [bay.id, bay.name]));
  const what = (booking: BookingResponse) => (booking.workOrderId ? t('board.workOrder') : t('board.appointment'));
  const hours = Array.from({ length: (LAST_HOUR - FIRST_HOUR) / 3 + 1 }, (_, index) => `${String(FIRST_HOUR + index * 3).padStart(2, '0')}:00`);
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('board.title')}</Title>
        <Anchor component={Link} to="/planning/resources" data-testid="to-resources">
          {t('board.manage')}
        </Anchor>
      </Group>
      <Replanning nameOf={nameOf} />
      <TextInput type="date" label={t('board.day')} value={date} onChange={(event) => setDate(event.currentTarget.value)} w={200} data-testid="board-day" />
      {day.isPending && valid ? (
        <LoadingState />
      ) : day.error ? (
        <ErrorState error={day.error} onRetry={() => void day.refetch()} />
      ) : !data || (data.technicians.length === 0 && data.bays.length === 0) ? (
        <EmptyState>{t('board.empty')}</EmptyState>
      ) : (
        <>
          <Card withBorder className={classes.wide} data-testid="board">
            <div className={classes.board} role="table" aria-label={t('board.title')}>
              <div role="row" className={classes.heading}>
                <span role="columnheader">{t('board.technicians')}</span>
              </div>
              {data.technicians.map((row) => (
                <div role="row" key={row.technicianId} className={classes.row} data-testid="technician-row">
                  <div role="rowheader" className={classes.label}>
                    {nameOf(row.technicianId)}
                  </div>
                  <div role="cell" className={classes.track}>
                    {row.hours.map((interval) => {
                      const style = place(interval.start, interval.end);
                      return style ? <span key={interval.start} className={`${classes.segment} ${classes.hours}`} style={style} /> : null;
                    })}
                    {row.absences.map((absence) => {
                      const style = place(absence.startsAt, absence.endsAt);
                      return style ? <span key={absence.id} className={`${classes.segment} ${classes.absence}`} style={style} title={absence.reason} data-testid="absence-block" /> : null;
                    })}
                    {data.bookings
                      .filter((booking) => booking.technicianId === row.technicianId)
                      .map((booking) => {
                        const style = place(booking.startsAt, booking.endsAt);
                        return style ? <BookingBlock key={booking.id} booking={booking} place={style} label={`${what(booking)} · ${bayName.get(booking.bayId) ?? ''}`} /> : null;
                      })}
                  </div>
                </div>
              ))}
              <div role="row" className={classes.heading}>
                <span role="columnheader">{t('board.bays')}</span>
              </div>
              {data.bays.map((bay) => (
                <div role="row" key={bay.id} className={classes.row} data-testid="bay-row">
                  <div role="rowheader" className={classes.label}>
                    <bdi>{bay.name}</bdi>
                    {bay.active ? null : <Text size="xs">{t('bays.inactive')}</Text>}
                  </div>
                  <div role="cell" className={classes.track}>
                    {data.bookings
                      .filter((booking) => booking.bayId === bay.id)
                      .map((booking) => {
                        const style = place(booking.startsAt, booking.endsAt);
                        return style ? <BookingBlock key={booking.id} booking={booking} place={style} label={`${what(booking)} · ${nameOf(booking.technicianId)}`} /> : null;
                      })}
                  </div>
                </div>
              ))}
              <div role="row" className={classes.row}>
                <span role="cell" />
                <div role="cell" className={classes.scale} aria-hidden>
                  {hours.map((hour) => (
                    <span key={hour}>{hour}</span>
                  ))}
                </div>
              </div>
            </div>
          </Card>
          <div className={classes.phone} data-testid="board-list">
            {data.bookings.length === 0 ? (
              <EmptyState>{t('board.noBookings')}</EmptyState>
            ) : (
              <ul className={classes.list}>
                {data.bookings.map((booking) => (
                  <li key={booking.id}>
                    <Card withBorder padding="xs" data-testid="booking-item">
                      <Text fw={700}>
                        <bdi>
                          {formatTime(booking.startsAt, language)}–{formatTime(booking.endsAt, language)}
                        </bdi>{' '}
                        {what(booking)}
                      </Text>
                      <Text size="sm">
                        {nameOf(booking.technicianId)} · <bdi>{bayName.get(booking.bayId) ?? ''}</bdi>
                      </Text>
                      {booking.replanReason ? (
                        <Text size="sm" c="red.9" fw={700} data-replan={booking.replanReason}>
                          {t('replan.marked', { reason: t(`replan.reasons.${booking.replanReason}`) })}
                        </Text>
                      ) : null}
                    </Card>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </>
      )}
    </Stack>
  );
}
