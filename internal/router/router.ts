import type { AccountHandler } from '../handler/account-handler.js';
import type { AppHandler } from '../handler/app-handler.js';
import type { AuthHandler } from '../handler/auth-handler.js';
import type { LlmModelHandler } from '../handler/llm-model-handler.js';
import type { PingHandler } from '../handler/ping-handler.js';
import type { RouteAuth } from '../middleware/auth.js';
import type { HttpServer } from '../server/http.js';
import { accountResponse, updateNameBody, updatePasswordBody } from '../schema/account-schema.js';
import { appIdParams, appPageResponse, appResponse, createAppBody, updateAppBody } from '../schema/app-schema.js';
import { passwordLoginBody, registerBody, tokenResponse } from '../schema/auth-schema.js';
import { errorEnvelope, errorResponses, messageEnvelope, pageQuery } from '../schema/common-schema.js';
import { pingResponse } from '../schema/ping-schema.js';
import {
  credentialBody,
  credentialResponse,
  modelParams,
  modelResponse,
  providerListResponse,
  providerParams,
} from '../schema/llm-model-schema.js';

export interface Handlers {
  ping: PingHandler;
  auth: AuthHandler;
  account: AccountHandler;
  app: AppHandler;
  llmModel: LlmModelHandler;
}

/** Route options every route states: who may call it, and how the docs group it. */
function meta(auth: RouteAuth, tag: string, summary: string) {
  return {
    config: { auth },
    schema: { tags: [tag], summary, ...(auth === 'account' ? { security: [{ bearer: [] }] } : {}) },
  };
}

/** The whole console API in one table: method, path, schemas, handler. */
export function registerRoutes(server: HttpServer, h: Handlers): void {
  const route = <S extends object>(auth: RouteAuth, tag: string, summary: string, schema: S) => {
    const m = meta(auth, tag, summary);
    return {
      config: m.config,
      schema: { ...m.schema, ...schema, response: { ...errorResponses, ...(schema as { response?: object }).response } },
    };
  };

  server.get(
    '/ping',
    route('public', 'health', 'Health check, including the database', { response: { 200: pingResponse, 503: errorEnvelope } }),
    h.ping.ping,
  );

  server.post(
    '/auth/register',
    route('public', 'auth', 'Create an account and sign in', { body: registerBody, response: { 200: tokenResponse, 403: errorEnvelope } }),
    h.auth.register,
  );
  server.post(
    '/auth/password-login',
    route('public', 'auth', 'Sign in with email and password', {
      body: passwordLoginBody,
      response: { 200: tokenResponse, 429: errorEnvelope },
    }),
    h.auth.passwordLogin,
  );
  server.post(
    '/auth/logout',
    route('account', 'auth', 'Revoke the current access token', { response: { 200: messageEnvelope } }),
    h.auth.logout,
  );

  server.get(
    '/account',
    route('account', 'account', 'The signed-in account', { response: { 200: accountResponse } }),
    h.account.getAccount,
  );
  server.post(
    '/account/name',
    route('account', 'account', 'Change the display name', { body: updateNameBody, response: { 200: accountResponse } }),
    h.account.updateName,
  );
  server.post(
    '/account/password',
    route('account', 'account', 'Change the password; signs out other sessions', {
      body: updatePasswordBody,
      response: { 200: tokenResponse },
    }),
    h.account.updatePassword,
  );

  server.get(
    '/apps',
    route('account', 'apps', 'List apps, newest first', { querystring: pageQuery, response: { 200: appPageResponse } }),
    h.app.listApps,
  );
  server.post('/apps', route('account', 'apps', 'Create an app', { body: createAppBody, response: { 200: appResponse } }), h.app.createApp);
  server.get(
    '/apps/:app_id',
    route('account', 'apps', 'Get an app', { params: appIdParams, response: { 200: appResponse } }),
    h.app.getApp,
  );
  server.post(
    '/apps/:app_id',
    route('account', 'apps', 'Update an app', { params: appIdParams, body: updateAppBody, response: { 200: appResponse } }),
    h.app.updateApp,
  );
  server.post(
    '/apps/:app_id/delete',
    route('account', 'apps', 'Delete an app', { params: appIdParams, response: { 200: messageEnvelope } }),
    h.app.deleteApp,
  );
  server.post(
    '/apps/:app_id/copy',
    route('account', 'apps', 'Copy an app into a new draft', { params: appIdParams, response: { 200: appResponse } }),
    h.app.copyApp,
  );

  server.get(
    '/llm-models',
    route('account', 'models', 'Providers and their models, with credential status', { response: { 200: providerListResponse } }),
    h.llmModel.listProviders,
  );
  server.get(
    '/llm-models/:provider/:model',
    route('account', 'models', 'One model: features, limits, parameter template, price', {
      params: modelParams,
      response: { 200: modelResponse },
    }),
    h.llmModel.getModel,
  );
  server.post(
    '/llm-models/:provider/credentials',
    route('account', 'models', 'Save (and by default test) provider credentials', {
      params: providerParams,
      body: credentialBody,
      response: { 200: credentialResponse },
    }),
    h.llmModel.saveCredentials,
  );

  server.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => server.swagger());
}
