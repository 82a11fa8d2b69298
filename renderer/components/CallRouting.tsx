import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/call-view';

const address = (uri: string) => uri.replace(/^sips?:/, '').replace(/;.*$/, '');

/** Where a call came from or went: forwarded (3xx), passed on to us (REFER), or a transfer we refused. */
export function CallRouting({
  view,
}: {
  view: Pick<CallView, 'redirectedTo' | 'transferredBy' | 'farEndTransferRefused'>;
}) {
  const { t } = useTranslation();
  return (
    <>
      {view.redirectedTo && (
        <p className="hint">{t('call.redirectedTo', { who: address(view.redirectedTo) })}</p>
      )}
      {view.transferredBy && (
        <p className="hint">{t('call.transferredBy', { who: address(view.transferredBy) })}</p>
      )}
      {view.farEndTransferRefused && (
        <p className="feedback feedback-status" role="status">
          {t('call.farEndTransferRefused')}
        </p>
      )}
    </>
  );
}
