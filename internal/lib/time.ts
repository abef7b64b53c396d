/** Wire timestamps are integer Unix seconds. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export function secondsFromNow(seconds: number, now = new Date()): Date {
  return new Date(now.getTime() + seconds * 1000);
}
