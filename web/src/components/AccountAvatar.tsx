import { Avatar, theme } from 'antd';

/** An account's avatar: its image URL, its emoji, or the first letter of its name. */
export function AccountAvatar({ account, size }: { account?: { name: string; avatar: string }; size?: number }) {
  const { token } = theme.useToken();
  const avatar = account?.avatar ?? '';
  if (/^https?:\/\//.test(avatar)) return <Avatar size={size} src={avatar} alt={account?.name} />;
  return (
    <Avatar
      size={size}
      style={{ background: avatar ? token.colorFillSecondary : token.colorPrimary, fontSize: avatar && size ? size / 2 : undefined }}
    >
      {avatar || account?.name.slice(0, 1).toUpperCase()}
    </Avatar>
  );
}
