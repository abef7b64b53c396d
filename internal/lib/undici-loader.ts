import type * as Undici from 'undici';

let undici: Promise<typeof Undici> | undefined;

/**
 * undici (a large share of start-up's module loading) loads with the first outbound request, or
 * when the server warms its clients after it is ready, not while it starts.
 */
export function loadUndici(): Promise<typeof Undici> {
  return (undici ??= import('undici'));
}
