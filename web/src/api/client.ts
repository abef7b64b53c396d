import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { session } from './session';

/** An answer whose envelope code is not `success`: its message is meant for people. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

export function authHeaders(): Record<string, string> {
  const token = session.token();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    // An expired or revoked session sends the person back to sign in, once.
    if (response.status === 401 && session.token()) {
      session.signOut();
      window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname)}`);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

type Answer = { data?: unknown; error?: unknown; response: Response };
type Inner<B> = B extends { data: infer D } ? D : never;
/** The `data` field of a route's successful envelope (a union where the route answers one of several shapes). */
export type DataOf<R> = R extends { data?: infer B } ? Inner<NonNullable<B>> : never;

/** The `data` of a successful envelope, or an ApiError carrying the server's message. */
export async function unwrap<R extends Answer>(call: Promise<R>): Promise<DataOf<R>> {
  const { data, error, response } = await call;
  if (data && response.ok) return (data as { data: DataOf<R> }).data;
  const body = error as { code?: string; message?: string } | undefined;
  throw new ApiError(body?.message || response.statusText || `HTTP ${response.status}`, response.status, body?.code ?? 'fail');
}
