import { useEffect, useRef, type ReactNode } from 'react';
import { useAppStore } from '../state/app-store';

/** The screen's h1; it takes focus when the screen opens, so keyboard and screen-reader users land on it. */
export function ScreenHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const visit = useAppStore((s) => s.visit);
  useEffect(() => {
    ref.current?.focus();
  }, [visit]);
  return (
    <h1 ref={ref} tabIndex={-1} className="screen-title">
      {children}
    </h1>
  );
}
