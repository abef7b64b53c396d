// The signed-in account's token, kept in localStorage so a reload keeps the session.
const KEY = 'llmops.token';

export const session = {
  token: (): string | null => localStorage.getItem(KEY),
  signIn(token: string) {
    localStorage.setItem(KEY, token);
  },
  signOut() {
    localStorage.removeItem(KEY);
  },
};
