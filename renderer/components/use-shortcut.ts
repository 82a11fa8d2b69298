import { useTranslation } from 'react-i18next';
import { shortcutOf, type CallAction, type Shortcut } from '../state/call-shortcuts';

/** The shortcuts of call actions, with the key names of the person's language (Strg, Umschalt). */
export function useShortcut(): (action: CallAction) => Shortcut {
  const { t } = useTranslation();
  const names = { ctrl: t('shortcuts.keyNames.ctrl'), shift: t('shortcuts.keyNames.shift') };
  return (action) => shortcutOf(action, names);
}
