import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../shell/api/client.ts';
import { ErrorState } from '../shell/ui/states.tsx';

/** What the garage accepts (services/garage/src/domain/file-types.ts, MAX_DOCUMENT_BYTES default). */
const ACCEPTED = ['application/pdf', 'image/jpeg', 'image/png'];
const MAX_BYTES = 5 * 1024 * 1024;

/**
 * A customer uploads a registration document of their own vehicle (POST
 * /api/v1/vehicles/:id/documents, the file as the body, typed by its Content-Type). The type and
 * size are checked before sending; the garage checks again (and the content), and its refusal is
 * shown as its problem's detail.
 */
export function DocumentUpload({ vehicleId }: { vehicleId: string }) {
  const { t } = useTranslation(['customer', 'common']);
  const inputId = useId();
  const errorId = useId();
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const upload = useMutation({
    mutationFn: (chosen: File) => apiJson(`/api/v1/vehicles/${vehicleId}/documents`, { method: 'POST', raw: { body: chosen, contentType: chosen.type } }),
    onSuccess: async () => {
      setFile(null);
      await client.invalidateQueries({ queryKey: ['vehicles', vehicleId, 'documents'] });
    },
  });
  return (
    <form
      data-testid="document-upload-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!file) return;
        if (!ACCEPTED.includes(file.type)) return setProblem(t('documentUpload.badType'));
        if (file.size > MAX_BYTES) return setProblem(t('documentUpload.tooLarge'));
        setProblem(undefined);
        upload.mutate(file);
      }}
    >
      <Stack gap="xs">
        <Text fw={700} component="h3" size="md" m={0}>
          {t('documentUpload.title')}
        </Text>
        <label htmlFor={inputId}>{t('documentUpload.file')}</label>
        <input
          id={inputId}
          key={upload.isSuccess ? `done-${upload.submittedAt}` : 'choose'}
          type="file"
          accept={ACCEPTED.join(',')}
          data-testid="document-file"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? errorId : undefined}
          onChange={(event) => {
            setProblem(undefined);
            upload.reset();
            setFile(event.currentTarget.files?.[0] ?? null);
          }}
        />
        {problem ? (
          <Text c="red.9" size="sm" id={errorId} role="alert" data-testid="document-problem">
            {problem}
          </Text>
        ) : null}
        <Group>
          <Button type="submit" disabled={!file} loading={upload.isPending} data-testid="document-upload">
            {t('documentUpload.action')}
          </Button>
        </Group>
        {upload.isSuccess ? (
          <Alert color="teal" role="status" data-testid="document-uploaded">
            {t('documentUpload.done')}
          </Alert>
        ) : null}
        {upload.error ? <ErrorState error={upload.error} /> : null}
      </Stack>
    </form>
  );
}
