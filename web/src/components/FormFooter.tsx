import { Button, Flex } from 'antd';
import { useTranslation } from 'react-i18next';

/** A modal form's buttons: cancel, and submit (save unless told otherwise). */
export function FormFooter({ onCancel, busy, okText }: { onCancel: () => void; busy?: boolean; okText?: string }) {
  const { t } = useTranslation();
  return (
    <Flex justify="end" gap={8}>
      <Button onClick={onCancel}>{t('common.cancel')}</Button>
      <Button type="primary" htmlType="submit" loading={busy}>
        {okText ?? t('common.save')}
      </Button>
    </Flex>
  );
}
