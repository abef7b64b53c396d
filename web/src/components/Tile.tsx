import { useState, type ReactNode } from 'react';
import { theme } from 'antd';

/**
 * A clickable card for grids of items. Ant Design's Card also brings its tabs; the app list's first
 * paint does without them.
 */
export function Tile({ onClick, children, testId }: { onClick: () => void; children: ReactNode; testId?: string }) {
  const { token } = theme.useToken();
  const [hover, setHover] = useState(false);
  return (
    <div
      role="link"
      tabIndex={0}
      data-testid={testId}
      onClick={onClick}
      onKeyDown={(e) => e.key === 'Enter' && e.target === e.currentTarget && onClick()}
      onMouseEnter={() => setHover(true)}
      onMouseLeave={() => setHover(false)}
      style={{
        cursor: 'pointer',
        height: '100%',
        padding: token.paddingLG,
        borderRadius: token.borderRadiusLG,
        border: `1px solid ${token.colorBorderSecondary}`,
        background: token.colorBgContainer,
        boxShadow: hover ? token.boxShadowTertiary : undefined,
        transition: 'box-shadow 0.2s',
      }}
    >
      {children}
    </div>
  );
}
