import { Alert, Badge, Button, Card, Group, Radio, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LineApproval } from '@ecar/contracts/requests/garage';
import { apiJson } from '../shell/api/client.ts';
import { formatMoney } from '../shell/format.ts';
import { ErrorState } from '../shell/ui/states.tsx';
import { EstimatePdfButton } from '../workshop/EstimatePdf.tsx';
import { duringJob, lineNetMillimes, type WorkOrderDetail, type WorkOrderLine } from '../workshop/workOrder.ts';
import classes from './customer.module.css';

/** Estimates line by line for the customer (issue #14): approve or decline each line, see what is approved. */

const APPROVAL_COLOR: Record<LineApproval, string> = { draft: 'gray.8', awaiting_approval: 'indigo.9', approved: 'teal.9', declined: 'red.9' };

/** A line's amount with its VAT, rounded half up to the millime. */
function grossOf(line: WorkOrderLine): bigint {
  const net = lineNetMillimes(line);
  return net + (net * BigInt(line.vatRateBp) * 2n + 10_000n) / 20_000n;
}

function Amount({ millimes }: { millimes: bigint | number }) {
  return <bdi dir="ltr">{formatMoney(millimes)}</bdi>;
}

export function LineStatuses({ repair }: { repair: WorkOrderDetail }) {
  const { t } = useTranslation('estimates');
  if (!repair.lines.some((line) => line.approval === 'approved' || line.approval === 'declined')) return null;
  return (
    <Card withBorder data-testid="line-statuses">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('customer.statusTitle')}
        </Title>
        <ul className={classes.lineList}>
          {repair.lines.map((line) => (
            <li key={line.id} className={classes.lineItem} data-approval={line.approval}>
              <Text className={classes.text} dir="auto">
                {line.description}
              </Text>
              <Group gap="xs" justify="space-between">
                <Amount millimes={grossOf(line)} />
                <Badge variant="filled" color={APPROVAL_COLOR[line.approval]}>
                  {t(`approval.${line.approval}`)}
                </Badge>
              </Group>
            </li>
          ))}
        </ul>
        <Text fw={700} data-testid="approved-total">
          {t('customer.approvedTotal', { total: '' })}
          <Amount millimes={repair.approvedTotals.grossMillimes} />
        </Text>
      </Stack>
    </Card>
  );
}

/** One answer per line awaiting approval, then a second, explicit confirmation (keyboard: Tab, arrows, Enter). */
export function LineDecisions({ repair }: { repair: WorkOrderDetail }) {
  const { t } = useTranslation('estimates');
  const queryClient = useQueryClient();
  const awaiting = repair.lines.filter((line) => line.approval === 'awaiting_approval');
  const [answers, setAnswers] = useState<Record<string, 'approved' | 'declined'>>({});
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const decide = useMutation({
    mutationFn: (decisions: Array<{ lineId: string; decision: 'approved' | 'declined' }>) =>
      apiJson(`/api/v1/work-orders/${repair.id}/estimate/decisions`, { method: 'POST', json: { decisions } }),
    onSuccess: async () => {
      setConfirming(false);
      setAnswers({});
      await queryClient.invalidateQueries({ queryKey: ['work-orders'] });
    },
  });
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  if (awaiting.length === 0 || (repair.status !== 'estimate_sent' && !duringJob(repair.status))) return null;
  const decisions = awaiting.filter((line) => answers[line.id]).map((line) => ({ lineId: line.id, decision: answers[line.id]! }));
  const complete = repair.status === 'estimate_sent' ? decisions.length === awaiting.length : decisions.length > 0;
  const approvedGross = awaiting.filter((line) => answers[line.id] === 'approved').reduce((sum, line) => sum + grossOf(line), 0n);
  const approvedCount = decisions.filter((item) => item.decision === 'approved').length;
  return (
    <Card withBorder data-testid="line-decisions">
      <Stack>
        <Title order={2} size="h3">
          {t('customer.title')}
        </Title>
        <Text>{duringJob(repair.status) ? t('customer.introDuringJob') : t('customer.intro')}</Text>
        <Group>
          <EstimatePdfButton workOrderId={repair.id} workOrderNumber={repair.number} />
        </Group>
        {decide.error ? <ErrorState error={decide.error} /> : null}
        <ul className={classes.lineList}>
          {awaiting.map((line) => (
            <li key={line.id} className={classes.lineItem} data-testid="line-decision" data-line-id={line.id}>
              <Radio.Group
                label={<span dir="auto">{line.description}</span>}
                description={
                  <>
                    {t('customer.amount', { amount: '' })}
                    <Amount millimes={grossOf(line)} />
                  </>
                }
                value={answers[line.id] ?? null}
                onChange={(value) => {
                  setConfirming(false);
                  setAnswers((current) => ({ ...current, [line.id]: value as 'approved' | 'declined' }));
                }}
              >
                <Group mt="xs" gap="lg">
                  <Radio value="approved" label={t('customer.approve')} data-answer="approved" disabled={decide.isPending} />
                  <Radio value="declined" label={t('customer.decline')} data-answer="declined" disabled={decide.isPending} />
                </Group>
              </Radio.Group>
            </li>
          ))}
        </ul>
        {confirming ? (
          <Alert color="gray" role="group" aria-labelledby="line-confirm-question">
            <Stack>
              <Text id="line-confirm-question" fw={700}>
                {t('customer.confirm', { approved: approvedCount, declined: decisions.length - approvedCount, total: formatMoney(approvedGross) })}
              </Text>
              <Text size="sm">{t('customer.recorded')}</Text>
              <Group>
                <Button ref={confirmRef} color="teal.9" loading={decide.isPending} onClick={() => decide.mutate(decisions)} data-testid="confirm-line-decisions">
                  {t('customer.yes')}
                </Button>
                <Button variant="default" onClick={() => setConfirming(false)} disabled={decide.isPending}>
                  {t('customer.back')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : (
          <Stack gap={4}>
            <Group>
              <Button onClick={() => setConfirming(true)} disabled={!complete} data-testid="submit-line-decisions">
                {t('customer.submit')}
              </Button>
            </Group>
            {!complete && repair.status === 'estimate_sent' ? <Text size="sm">{t('customer.answerAll')}</Text> : null}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
