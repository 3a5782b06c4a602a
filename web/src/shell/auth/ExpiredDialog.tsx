import { Modal, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSession } from './session.tsx';
import { SignInFlow } from './SignInFlow.tsx';

/**
 * Sign in again over the current screen: the screen stays mounted, so typed input survives.
 * lockScroll is off: the scroll lock injects a <style> element, which the CSP refuses.
 */
export default function ExpiredDialog() {
  const { t } = useTranslation('auth');
  const { expired, resumed } = useSession();
  return (
    <Modal opened={expired} onClose={() => undefined} withCloseButton={false} closeOnClickOutside={false} closeOnEscape={false} lockScroll={false} title={t('expired.title')} centered>
      <Text size="sm" mb="sm">
        {t('expired.intro')}
      </Text>
      <SignInFlow onDone={resumed} />
    </Modal>
  );
}
