import { forwardRef, type ButtonHTMLAttributes } from 'react';
import type { Shortcut } from '../state/call-shortcuts';
import { Icon, type IconName } from './Icon';

type Variant = 'plain' | 'call' | 'danger';

interface IconButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'aria-label' | 'children'> {
  icon: IconName;
  /** The accessible name; also the tooltip, with the shortcut if there is one. */
  label: string;
  shortcut?: Shortcut;
  variant?: Variant;
  /** A toggle (mute, hold, favourite): its state is announced and drawn. */
  pressed?: boolean;
  size?: 'small' | 'large';
}

/** A button that shows only an icon: named for screen readers, with a tooltip for everyone else. */
export const IconButton = forwardRef<HTMLButtonElement, IconButtonProps>(function IconButton(
  { icon, label, shortcut, variant = 'plain', pressed, size = 'large', className, ...rest },
  ref,
) {
  return (
    <button
      ref={ref}
      type="button"
      className={`icon-action icon-action-${variant} icon-action-${size} ${className ?? ''}`}
      aria-label={label}
      aria-pressed={pressed}
      aria-keyshortcuts={shortcut?.aria}
      title={shortcut ? `${label} (${shortcut.label})` : label}
      {...rest}
    >
      <Icon name={icon} size={size === 'small' ? 18 : 22} filled={icon === 'star' && pressed === true} />
    </button>
  );
});
