import { lazy, Suspense, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ApiError } from './api/client';
import { session } from './api/session';
import { ThemeModeProvider, useThemeMode } from './theme';

// The shell (header, menus) is its own chunk: the sign-in and web app pages never load it.
const AppShell = lazy(() => import('./layout/AppShell'));
const SignIn = lazy(() => import('./pages/auth/SignIn'));
const SignUp = lazy(() => import('./pages/auth/SignUp'));
const Activate = lazy(() => import('./pages/auth/Activate'));
const AppList = lazy(() => import('./pages/apps/AppList'));
const AppDetail = lazy(() => import('./pages/app/AppDetail'));
const Models = lazy(() => import('./pages/settings/Models'));
const AccountPage = lazy(() => import('./pages/settings/AccountPage'));
const Members = lazy(() => import('./pages/settings/Members'));
const Datasets = lazy(() => import('./pages/knowledge/Datasets'));
const ToolsPage = lazy(() => import('./pages/tools/ToolsPage'));
const DatasetDetail = lazy(() => import('./pages/knowledge/DatasetDetail'));
const WebAppChat = lazy(() => import('./pages/webapp/WebAppChat'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refused or missing resource will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  if (!session.token()) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  return children;
}

const Loading = () => (
  <div style={{ display: 'flex', justifyContent: 'center', paddingTop: '20vh' }}>
    <Spin size="large" />
  </div>
);

function Themed({ children }: { children: ReactNode }) {
  const { mode } = useThemeMode();
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.resolvedLanguage === 'zh' ? zhCN : enUS}
      theme={{ algorithm: mode === 'dark' ? theme.darkAlgorithm : theme.defaultAlgorithm, token: { colorPrimary: '#1677ff' } }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ThemeModeProvider>
        <Themed>
          <BrowserRouter>
            <Suspense fallback={<Loading />}>
              <Routes>
                <Route path="/signin" element={<SignIn />} />
                <Route path="/signup" element={<SignUp />} />
                <Route path="/activate" element={<Activate />} />
                <Route path="/chat/:token" element={<WebAppChat />} />
                <Route
                  element={
                    <RequireSession>
                      <AppShell />
                    </RequireSession>
                  }
                >
                  <Route index element={<Navigate to="/studio" replace />} />
                  <Route path="/studio" element={<AppList />} />
                  <Route path="/app/:appId/:tab?" element={<AppDetail />} />
                  <Route path="/knowledge" element={<Datasets />} />
                  <Route path="/tools/:tab?" element={<ToolsPage />} />
                  <Route path="/knowledge/:datasetId/:tab?" element={<DatasetDetail />} />
                  <Route path="/settings/models" element={<Models />} />
                  <Route path="/settings/account" element={<AccountPage />} />
                  <Route path="/settings/members" element={<Members />} />
                  <Route path="*" element={<Navigate to="/studio" replace />} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </Themed>
      </ThemeModeProvider>
    </QueryClientProvider>
  );
}
