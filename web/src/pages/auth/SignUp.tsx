import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { NameField, NewPasswordField } from './AccountFields';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { session } from '../../api/session';
import { AuthCard } from './AuthCard';

export default function SignUp() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: { name: string; email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const { access_token } = await unwrap(api.POST('/auth/register', { body: values }));
      session.signIn(access_token);
      void navigate('/settings/models?welcome=1', { replace: true });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('auth.signUpTitle')}>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <NameField />
        <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', message: t('auth.emailInvalid') }]}>
          <Input autoComplete="email" />
        </Form.Item>
        <NewPasswordField />
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('auth.signUp')}
        </Button>
      </Form>
      <div style={{ marginTop: 16, textAlign: 'center' }}>
        {t('auth.haveAccount')} <Link to="/signin">{t('auth.signIn')}</Link>
      </div>
    </AuthCard>
  );
}
