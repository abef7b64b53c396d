import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

/** The name a new account goes by. */
export function NameField() {
  const { t } = useTranslation();
  return (
    <Form.Item name="name" label={t('auth.name')} rules={[{ required: true, whitespace: true, message: t('auth.nameRequired') }]}>
      <Input autoComplete="name" autoFocus />
    </Form.Item>
  );
}

/** A new password, with the server's rule said up front. */
export function NewPasswordField({ name = 'password', label }: { name?: string; label?: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name={name}
      label={label ?? t('auth.password')}
      extra={t('auth.passwordRule')}
      rules={[{ required: true, min: 8, message: t('auth.passwordRule') }]}
    >
      <Input.Password autoComplete="new-password" />
    </Form.Item>
  );
}
