import { Button } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';

/** The small, icon-only delete (or revoke) button of list rows and cards; `label` is what a screen reader says. */
export function DeleteButton({ label, onClick }: { label: string; onClick: () => void }) {
  return <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={label} onClick={onClick} />;
}
