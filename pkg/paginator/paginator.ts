/** Offset pagination: turns a page request into limit/offset and a total into the wire paginator. */
export interface PageRequest {
  currentPage: number;
  pageSize: number;
}

export function pageOffset({ currentPage, pageSize }: PageRequest): { limit: number; offset: number } {
  return { limit: pageSize, offset: (currentPage - 1) * pageSize };
}

export function paginatorOf({ currentPage, pageSize }: PageRequest, totalRecord: number) {
  return {
    current_page: currentPage,
    page_size: pageSize,
    total_page: Math.ceil(totalRecord / pageSize),
    total_record: totalRecord,
  };
}
