import type { ReactNode } from 'react';
import { Empty, List } from 'antd';

/** Items as a responsive grid of cards (one to three across), or the empty state. */
export function CardGrid<T>({ items, empty, render }: { items: T[]; empty: string; render: (item: T) => ReactNode }) {
  if (items.length === 0) return <Empty description={empty} />;
  return (
    <List grid={{ gutter: 16, xs: 1, md: 2, xl: 3 }} dataSource={items} renderItem={(item) => <List.Item>{render(item)}</List.Item>} />
  );
}

/** A server-paged table's pager: fixed page size, the total from the API's paginator. */
export function tablePaging(page: number, total: number | undefined, onChange: (page: number) => void, pageSize = 20) {
  return { current: page, pageSize, total: total ?? 0, onChange, showSizeChanger: false };
}
