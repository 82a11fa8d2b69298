import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LockedHint } from './LockedHint';

/** A labelled setting; the control gets the label's id, and a setting fixed by policy says so. */
export function SettingRow({
  label,
  locked,
  children,
}: {
  label: string;
  locked: boolean;
  children: (id: string) => ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="setting-row">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children(id)}
      {locked && <LockedHint>{t('settings.locked')}</LockedHint>}
    </div>
  );
}
