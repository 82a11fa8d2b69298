import type { ReactNode } from 'react';
import { Icon } from './Icon';

/** A note on something the organisation fixed by policy. */
export function LockedHint({ children }: { children: ReactNode }) {
  return (
    <p className="hint locked-hint">
      <Icon name="lock" size={12} />
      <span>{children}</span>
    </p>
  );
}
