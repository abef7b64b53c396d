import { HttpCode } from './http-code.js';

export interface Envelope<T> {
  code: HttpCode;
  message: string;
  data: T;
}

export interface Paginator {
  current_page: number;
  page_size: number;
  total_page: number;
  total_record: number;
}

export interface Page<T> {
  list: T[];
  paginator: Paginator;
}

export function success<T>(data: T, message = ''): Envelope<T> {
  return { code: HttpCode.Success, message, data };
}

/** A success whose only content is its message (deletes, logouts). */
export function successMessage(message: string): Envelope<Record<string, never>> {
  return { code: HttpCode.Success, message, data: {} };
}

export function fail<T = Record<string, never>>(code: HttpCode, message: string, data?: T): Envelope<T | Record<string, never>> {
  return { code, message, data: data ?? {} };
}

export function page<T>(list: T[], paginator: Paginator): Envelope<Page<T>> {
  return success({ list, paginator });
}
