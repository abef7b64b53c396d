/**
 * What a browser does during an OAuth sign-in, with fetch: follows redirects, keeps each site's
 * cookies, and on an OpenID provider's development pages signs in as `login` and consents.
 */
export async function browserSignIn(
  startUrl: string,
  login: string,
  edit: (callback: URL) => URL = (u) => u,
  /** Sends Accept: text/html as a real browser does, and stops at the redirect back to the console. */
  html = false,
): Promise<{ status: number; body: any; location?: URL }> {
  const jars = new Map<string, Map<string, string>>();
  const jar = (url: URL) => jars.get(url.origin) ?? jars.set(url.origin, new Map()).get(url.origin)!;
  let url = new URL(startUrl);
  let form: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const cookies = [...jar(url)].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      body: form,
      redirect: 'manual',
      headers: { ...(cookies ? { cookie: cookies } : {}), ...(html ? { accept: 'text/html,application/xhtml+xml' } : {}) },
    });
    form = undefined;
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const value = pair!.slice(at + 1);
      if (value) jar(url).set(pair!.slice(0, at), value);
      else jar(url).delete(pair!.slice(0, at));
    }
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url);
      if (html && url.pathname.startsWith('/oauth/authorize/')) return { status: res.status, body: null, location: next };
      url = next;
      if (url.pathname.startsWith('/oauth/authorize/')) url = edit(url);
      continue;
    }
    if (url.pathname.startsWith('/oauth/')) return { status: res.status, body: await res.json() };
    const page = await res.text();
    if (!/\/interaction\//.test(url.pathname)) throw new Error(`unexpected page ${url.href}: ${res.status} ${page.slice(0, 200)}`);
    form = new URLSearchParams(page.includes('name="login"') ? { prompt: 'login', login, password: 'any' } : { prompt: 'consent' });
  }
  throw new Error('too many redirects');
}
