import { Button, Flex } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

/** Previous / next through a paged list: lighter than a full pager, which the first paint does not need. */
export function Pager({ page, totalPages, onChange }: { page: number; totalPages: number; onChange: (page: number) => void }) {
  const { t } = useTranslation();
  if (totalPages <= 1) return null;
  return (
    <Flex justify="center" align="center" gap={12} style={{ marginTop: 16 }}>
      <Button icon={<LeftOutlined />} disabled={page <= 1} onClick={() => onChange(page - 1)} aria-label={t('common.previous')} />
      <span data-testid="pager">{t('common.pageOf', { page, total: totalPages })}</span>
      <Button icon={<RightOutlined />} disabled={page >= totalPages} onClick={() => onChange(page + 1)} aria-label={t('common.next')} />
    </Flex>
  );
}
