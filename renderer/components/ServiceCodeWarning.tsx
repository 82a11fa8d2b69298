import { useTranslation } from 'react-i18next';

/**
 * A link put service codes (`*21*0900…#`) into the number field: on many phone systems they change
 * settings, e.g. forward every call. The exact digits are shown; only the person's Call dials them.
 */
export function ServiceCodeWarning({ digits }: { digits: string }) {
  const { t } = useTranslation();
  const [before, after] = t('phone.serviceCodeLink', { digits: '\u0000' }).split('\u0000');
  return (
    <p className="feedback feedback-warning" role="alert" id="service-code-warning">
      {before}
      <code className="service-code">{digits}</code>
      {after}
    </p>
  );
}
