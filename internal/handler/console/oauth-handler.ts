import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseCookie, stringifySetCookie } from 'cookie';
import { success } from '../../../pkg/response/response.js';
import { tokenView, type oauthCallbackQuery, type oauthParams } from '../../schema/auth-schema.js';
import type { OAuthService } from '../../service/identity/oauth-service.js';
import type { Validated } from '../request-types.js';
import { AppError } from '../../exception/app-error.js';

const COOKIE = 'llmops_oauth';

export class OAuthHandler {
  constructor(
    private readonly oauth: OAuthService,
    private readonly settings: { publicUrl: string; allowRegister: boolean },
  ) {}

  providers = async () =>
    success({
      password: true,
      register: this.settings.allowRegister,
      providers: this.oauth.enabled().map((p) => ({ ...p, url: `/oauth/${p.name}` })),
    });

  /** Sends the browser to the provider; the checks ride in a sealed cookie only this path sees. */
  start = async (req: Validated<{ params: typeof oauthParams }>, reply: FastifyReply) => {
    const { url, sealed } = await this.oauth.start(req.params.provider, this.redirectUri(req, req.params.provider));
    // Lax: the provider's redirect back is a top-level GET, which must carry it.
    reply.header('set-cookie', this.cookie(req, sealed, 600));
    return reply.redirect(url, 302);
  };

  callback = async (req: Validated<{ params: typeof oauthParams; query: typeof oauthCallbackQuery }>, reply: FastifyReply) => {
    const { provider } = req.params;
    const sealed = parseCookie(req.headers.cookie ?? '')[COOKIE];
    reply.header('set-cookie', this.cookie(req, '', 0));
    const callbackUrl = new URL(req.url, this.origin(req));
    // A person's browser goes back to the console's sign-in page: the session in the fragment (never sent
    // to a server or written to a log), or the reason it was refused. API clients get the envelope.
    const browser = (req.headers.accept ?? '').includes('text/html');
    try {
      const token = await this.oauth.finish(provider, callbackUrl, this.redirectUri(req, provider), sealed, req.ip);
      const view = tokenView(token);
      if (browser)
        return reply.redirect(
          `/signin#${new URLSearchParams({ access_token: view.access_token, expire_at: String(view.expire_at) })}`,
          302,
        );
      return success(view, 'logged in');
    } catch (err) {
      if (!browser || !(err instanceof AppError)) throw err;
      return reply.redirect(`/signin?${new URLSearchParams({ error: err.message })}`, 302);
    }
  };

  private origin(req: FastifyRequest): string {
    return this.settings.publicUrl.replace(/\/+$/, '') || `${req.protocol}://${req.host}`;
  }

  private redirectUri(req: FastifyRequest, provider: string): string {
    return `${this.origin(req)}/oauth/authorize/${provider}`;
  }

  private cookie(req: FastifyRequest, value: string, maxAge: number): string {
    const secure = this.origin(req).startsWith('https://');
    return stringifySetCookie({ name: COOKIE, value, path: '/oauth', httpOnly: true, sameSite: 'lax', secure, maxAge });
  }
}
