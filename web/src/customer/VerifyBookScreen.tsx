import { Alert, Anchor, Badge, Button, Card, FileInput, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { BookVerificationResponse, EntryCheck } from '@ecar/contracts/responses/garage-book';
import { apiJson } from '../shell/api/client.ts';
import { formatDate } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { LanguageSelect } from '../shell/ui/Layout.tsx';
import { ScrollX } from '../shell/ui/ScrollX.tsx';
import { ErrorState } from '../shell/ui/states.tsx';
import shell from '../shell/ui/shell.module.css';
import stacked from '../shell/ui/stackedTable.module.css';
import classes from './customer.module.css';

const BOOK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class NotJson extends Error {}

const CHECK_COLOURS: Record<EntryCheck, string> = { matches: 'teal.9', changed: 'red.9', missing: 'red.9' };

function Verdict({ result }: { result: BookVerificationResponse }) {
  const { t, i18n } = useTranslation('book');
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const { signature, records, book } = result;
  const headline = result.valid
    ? t('verify.valid')
    : signature.reason === 'unknown-key'
      ? t('verify.unknownKey')
      : signature.reason === 'bad-signature'
        ? t('verify.badSignature')
        : t('verify.notMatching');
  const checks = new Map(records?.entries.map((entry) => [entry.workOrderId, entry.check]) ?? []);
  const key = signature.key ? t(signature.key.current ? 'verify.keyCurrent' : 'verify.keyRetired', { kid: signature.kid }) : t('verify.keyUnknown', { kid: signature.kid });
  return (
    <Stack data-testid="book-verdict" data-valid={String(result.valid)}>
      <Alert color={result.valid ? 'teal' : 'red'} role="status" data-testid="book-headline">
        <Text fw={700}>{headline}</Text>
        {records && !records.vehicle ? <Text size="sm">{t('verify.vehicleChanged')}</Text> : null}
        {records && records.laterEntries > 0 ? <Text size="sm">{t('verify.later', { count: records.laterEntries })}</Text> : null}
      </Alert>
      <Card withBorder>
        <dl className={classes.definitions}>
          <dt>{t('verify.signature')}</dt>
          <dd data-testid="book-signature">{signature.valid ? t('verify.signatureOk') : t('verify.signatureBad')}</dd>
          <dt>{t('verify.key')}</dt>
          <dd dir="ltr" data-testid="book-key">
            {key}
          </dd>
          <dt>{t('verify.records')}</dt>
          <dd data-testid="book-records">{records === null ? t('verify.recordsUnchecked') : records.matches ? t('verify.recordsOk') : t('verify.recordsBad')}</dd>
          <dt>{t('verify.garage')}</dt>
          <dd className={classes.text}>{book.garage.name}</dd>
          <dt>{t('verify.issuedAt')}</dt>
          <dd>{formatDate(book.issuedAt, language)}</dd>
          <dt>{t('verify.vehicle')}</dt>
          <dd className={classes.text}>{`${book.vehicle.make} ${book.vehicle.model} (${book.vehicle.year})`}</dd>
          <dt>{t('verify.vin')}</dt>
          <dd dir="ltr" data-testid="book-vin">
            {book.vehicle.vin ?? t('verify.noVin')}
          </dd>
        </dl>
      </Card>
      <Title order={2} size="h4">
        {t('verify.history')}
      </Title>
      {book.entries.length === 0 ? (
        <Text>{t('verify.noEntries')}</Text>
      ) : (
        <ScrollX label={t('verify.history')}>
          <Table striped className={stacked.table}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('verify.date')}</Table.Th>
                <Table.Th scope="col">{t('verify.mileage')}</Table.Th>
                <Table.Th scope="col">{t('verify.work')}</Table.Th>
                <Table.Th scope="col">{t('verify.records')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {book.entries.map((entry) => {
                const check = checks.get(entry.workOrderId);
                return (
                  <Table.Tr key={entry.workOrderId} data-testid="book-entry" data-check={check ?? 'unchecked'}>
                    <Table.Td data-label={t('verify.date')}>{formatDate(entry.completedOn, language)}</Table.Td>
                    <Table.Td data-label={t('verify.mileage')}>{entry.mileageKm === null ? '—' : t('verify.km', { km: entry.mileageKm.toLocaleString(language === 'ar' ? 'ar-TN' : `${language}-TN`) })}</Table.Td>
                    <Table.Td data-label={t('verify.work')}>
                      <ul className={classes.list}>
                        {entry.work.map((item, index) => (
                          <li key={index} className={classes.text}>
                            {item.partReference ? `${item.description} (${t('verify.reference', { reference: item.partReference })})` : item.description}
                          </li>
                        ))}
                      </ul>
                    </Table.Td>
                    <Table.Td data-label={t('verify.records')}>
                      {check ? <Badge color={CHECK_COLOURS[check]} autoContrast>{t(`verify.check_${check}`)}</Badge> : <Badge color="gray.8" autoContrast>{t('verify.recordsUnchecked')}</Badge>}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollX>
      )}
    </Stack>
  );
}

/**
 * The public verification page (issue 15): a buyer pastes or chooses the signed JSON, or opens
 * the QR link of a printed book (`#book=<id>`), and sees whether the garage signed it, with which
 * key, and whether the history still matches the garage's records. No owner data exists here.
 */
export default function VerifyBookScreen() {
  const { t } = useTranslation(['book', 'common', 'signup']);
  const [text, setText] = useState('');
  const verify = useMutation({
    mutationFn: async (input: { text: string } | { bookId: string }) => {
      if ('bookId' in input) return apiJson<BookVerificationResponse>(`/api/v1/public/maintenance-book/books/${input.bookId}/verification`);
      let document: unknown;
      try {
        document = JSON.parse(input.text);
      } catch {
        throw new NotJson();
      }
      return apiJson<BookVerificationResponse>('/api/v1/public/maintenance-book/verifications', { method: 'POST', json: document });
    },
  });
  const { mutate } = verify;
  useEffect(() => {
    const bookId = new URLSearchParams(window.location.hash.slice(1)).get('book');
    if (bookId && BOOK_ID.test(bookId)) mutate({ bookId });
  }, [mutate]);
  const choose = (file: File | null) => {
    if (!file) return;
    void file.text().then((content) => {
      setText(content);
      mutate({ text: content });
    });
  };
  return (
    <>
      <header className={shell.header}>
        <span className={shell.brand}>{t('common:appName')}</span>
        <span className={shell.spacer} />
        <LanguageSelect />
      </header>
      <main id="main" className={classes.public}>
        <Stack>
          <Title order={1}>{t('verify.title')}</Title>
          <Text size="sm">{t('verify.intro')}</Text>
          {verify.data ? (
            <>
              <Verdict result={verify.data} />
              <Button
                variant="light"
                onClick={() => {
                  verify.reset();
                  setText('');
                  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
                }}
              >
                {t('verify.again')}
              </Button>
            </>
          ) : (
            <form
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                mutate({ text });
              }}
            >
              <Stack>
                {verify.error instanceof NotJson ? (
                  <Alert color="red" role="alert">
                    {t('verify.notJson')}
                  </Alert>
                ) : verify.error ? (
                  <ErrorState error={verify.error} />
                ) : null}
                <Textarea label={t('verify.paste')} dir="ltr" autosize minRows={6} maxRows={14} value={text} onChange={(event) => setText(event.currentTarget.value)} data-testid="book-text" />
                <FileInput label={t('verify.file')} accept="application/json,.json" onChange={choose} clearable data-testid="book-file" />
                <Button type="submit" disabled={text.trim() === ''} loading={verify.isPending} data-testid="book-check">
                  {t('verify.check')}
                </Button>
              </Stack>
            </form>
          )}
          <Anchor component={Link} to="/">
            {t('signup:toSignIn')}
          </Anchor>
        </Stack>
      </main>
    </>
  );
}
