import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/call-view';

/** While a call lacks media (the engine's media watchdog): says so, in place of the quality line. */
export function MediaWarning({ view }: { view: Pick<CallView, 'mediaWarning'> }) {
  const { t } = useTranslation();
  if (!view.mediaWarning) return null;
  return (
    <p className="feedback feedback-error call-media-warning" role="alert">
      {t(`call.mediaWarning.${view.mediaWarning}`)}
    </p>
  );
}
