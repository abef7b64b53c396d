import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Divider, Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { session } from '../../api/session';
import { AuthCard } from './AuthCard';

export default function SignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(params.get('error'));
  const [busy, setBusy] = useState(false);
  const next = params.get('next')?.startsWith('/') ? params.get('next')! : '/studio';
  const providers = useQuery({ queryKey: ['auth-providers'], queryFn: () => unwrap(api.GET('/auth/providers')) });

  // Back from GitHub, Google or OpenID Connect: the server hands the session over in the fragment.
  useEffect(() => {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const token = fragment.get('access_token');
    if (token) {
      session.signIn(token);
      void navigate(next, { replace: true });
    }
  }, [navigate, next]);

  const submit = async (values: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const { access_token } = await unwrap(api.POST('/auth/password-login', { body: values }));
      session.signIn(access_token);
      void navigate(next, { replace: true });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('auth.signInTitle')}>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', message: t('auth.emailInvalid') }]}>
          <Input autoComplete="email" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('auth.signIn')}
        </Button>
      </Form>
      {(providers.data?.providers.length ?? 0) > 0 && (
        <>
          <Divider plain>{t('auth.or')}</Divider>
          <Space direction="vertical" style={{ width: '100%' }}>
            {providers.data!.providers.map((p) => (
              <Button key={p.name} block href={p.url}>
                {t('auth.continueWith', { provider: p.label })}
              </Button>
            ))}
          </Space>
        </>
      )}
      {providers.data?.register !== false && (
        <div style={{ marginTop: 16, textAlign: 'center' }}>
          {t('auth.noAccount')} <Link to="/signup">{t('auth.signUp')}</Link>
        </div>
      )}
    </AuthCard>
  );
}
