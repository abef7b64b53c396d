import { describe, expect, it } from 'vitest';
import { pageOffset, paginatorOf } from '../../../pkg/paginator/paginator.js';

describe('paginator', () => {
  it('turns a page into limit and offset', () => {
    expect(pageOffset({ currentPage: 1, pageSize: 20 })).toEqual({ limit: 20, offset: 0 });
    expect(pageOffset({ currentPage: 3, pageSize: 7 })).toEqual({ limit: 7, offset: 14 });
  });

  it('counts pages, rounding up, and zero pages for no records', () => {
    expect(paginatorOf({ currentPage: 1, pageSize: 10 }, 21)).toEqual({ current_page: 1, page_size: 10, total_page: 3, total_record: 21 });
    expect(paginatorOf({ currentPage: 1, pageSize: 10 }, 20).total_page).toBe(2);
    expect(paginatorOf({ currentPage: 1, pageSize: 10 }, 0).total_page).toBe(0);
  });
});
