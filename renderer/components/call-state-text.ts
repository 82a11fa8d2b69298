import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/engine';

/** mm:ss (h:mm:ss after an hour) since `since`, ticking each second; '' while null. */
export function useElapsed(since: number | null): string {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  if (since === null) return '';
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(seconds / 3600);
  return `${hours > 0 ? `${hours}:` : ''}${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** What a call is doing, in words: held by whom, in conference, or its state. */
export function useCallStateText(view: CallView): string {
  const { t } = useTranslation();
  if (view.heldRemotely) return t('call.heldByOther');
  if (view.heldLocally) return t('call.onHold');
  if (view.conference) return t('call.inConference');
  return t(`call.state.${view.state}`);
}
