import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../../../shell/api/client.ts';
import { EmptyState } from '../../../shell/ui/states.tsx';
import type { Part } from './types.ts';

/** Search the catalogue and pick a part (canned jobs, purchase orders). */
export function PartPicker({ onPick }: { onPick: (part: Part) => void }) {
  const { t } = useTranslation('parts');
  const { t: ta } = useTranslation('admin');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const found = useQuery({ queryKey: ['admin', 'parts-pick', q], enabled: q !== '', queryFn: () => apiJson<{ items: Part[] }>('/api/v1/parts', { query: { q, limit: 10 } }) });
  return (
    <Stack gap="xs">
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t('cannedJobs.findPart')}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              setQ(text.trim());
            }
          }}
          name="part-search"
        />
        <Button variant="default" onClick={() => setQ(text.trim())} data-testid="part-search">
          {ta('common.search')}
        </Button>
      </Group>
      {found.data ? (
        <Group gap="xs" wrap="wrap">
          {found.data.items.map((part) => (
            <Button key={part.id} size="xs" variant="light" onClick={() => onPick(part)} data-testid="part-pick">
              <bdi>{`${part.brand} ${part.reference}`}</bdi>
            </Button>
          ))}
          {found.data.items.length === 0 ? <EmptyState /> : null}
        </Group>
      ) : null}
    </Stack>
  );
}

