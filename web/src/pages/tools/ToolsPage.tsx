import { Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { BuiltinTools } from './BuiltinTools';
import { CustomTools } from './CustomTools';
import { WorkflowTools } from './WorkflowTools';

export default function ToolsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { tab = 'builtin' } = useParams();
  return (
    <>
      <Typography.Title level={3}>{t('tools.title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(key) => void navigate(`/tools/${key}`)}
        destroyOnHidden
        items={[
          { key: 'builtin', label: t('tools.builtin'), children: <BuiltinTools /> },
          { key: 'api', label: t('tools.api'), children: <CustomTools kind="api" /> },
          { key: 'mcp', label: t('tools.mcp'), children: <CustomTools kind="mcp" /> },
          { key: 'workflow', label: t('tools.workflow'), children: <WorkflowTools /> },
        ]}
      />
    </>
  );
}
