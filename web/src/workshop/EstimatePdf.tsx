import { Button } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { downloadFile } from '../shell/api/client.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { ErrorState } from '../shell/ui/states.tsx';

/** The estimate as PDF (issue #14), in the screen's language: on the customer's approval card and the admin job card. */
export function EstimatePdfButton({ workOrderId, workOrderNumber }: { workOrderId: string; workOrderNumber: string }) {
  const { t, i18n } = useTranslation('workshop');
  const lang = isLanguage(i18n.language) ? i18n.language : 'fr';
  const pdf = useMutation({ mutationFn: () => downloadFile(`/api/v1/work-orders/${workOrderId}/estimate/pdf?lang=${lang}`, `devis-${workOrderNumber}.pdf`) });
  return (
    <>
      <Button variant="default" onClick={() => pdf.mutate()} loading={pdf.isPending} data-testid="estimate-pdf">
        {t('estimatePdf.download')}
      </Button>
      {pdf.error ? <ErrorState error={pdf.error} /> : null}
    </>
  );
}
