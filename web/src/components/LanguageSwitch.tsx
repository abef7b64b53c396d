import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../i18n';

export function LanguageSwitch() {
  const { i18n } = useTranslation();
  const current = LANGUAGES.find((l) => l.code === i18n.resolvedLanguage) ?? LANGUAGES[0];
  return (
    <Dropdown
      menu={{
        items: LANGUAGES.map((l) => ({ key: l.code, label: l.label })),
        selectedKeys: [current.code],
        onClick: ({ key }) => void i18n.changeLanguage(key),
      }}
    >
      <Button type="text" icon={<GlobalOutlined />} data-testid="language-switch">
        {current.label}
      </Button>
    </Dropdown>
  );
}
