import { MoonOutlined, SunOutlined } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useThemeMode } from '../theme';

export function ThemeSwitch() {
  const { mode, toggle } = useThemeMode();
  const { t } = useTranslation();
  return (
    <Tooltip title={mode === 'dark' ? t('shell.lightMode') : t('shell.darkMode')}>
      <Button type="text" aria-label={t('shell.darkMode')} icon={mode === 'dark' ? <SunOutlined /> : <MoonOutlined />} onClick={toggle} />
    </Tooltip>
  );
}
