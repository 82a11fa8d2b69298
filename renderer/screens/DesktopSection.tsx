import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DialLinkState } from '../../shared/ipc/contract';
import type { SettingsPatch } from '../../shared/settings/settings';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { LockedHint } from '../components/LockedHint';
import { call, errorKey } from '../ipc/client';
import { useAppStore } from '../state/app-store';

/** How a key combination reads on this platform (Electron's CommandOrControl is Cmd on a Mac). */
function readable(accelerator: string, platform: string): string {
  return accelerator
    .replace(/CommandOrControl|CmdOrCtrl/g, platform === 'darwin' ? '⌘' : 'Ctrl')
    .replace(/\+/g, ' + ');
}

function Toggle(props: {
  label: string;
  hint: string;
  checked: boolean;
  locked: boolean;
  onChange(checked: boolean): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="setting-row setting-row-check">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.locked}
        aria-describedby={`${id}-hint`}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
      <p id={`${id}-hint`} className="hint">
        {props.hint}
      </p>
      {props.locked && <LockedHint>{t('settings.locked')}</LockedHint>}
    </div>
  );
}

/**
 * The desktop app's own settings: running in the background, start at login, global shortcuts, and phone
 * links. Only where the app runs as the desktop app (the browser shell has no tray and no system handler).
 */
export function DesktopSection() {
  const { t } = useTranslation();
  const info = useAppStore((s) => s.info);
  const state = useAppStore((s) => s.settings);
  const policy = useAppStore((s) => s.policy);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const [links, setLinks] = useState<DialLinkState | null>(null);
  const [message, setMessage] = useState<FeedbackMessage>(null);

  useEffect(() => {
    let active = true;
    call('dialLinks.state', undefined).then(
      (next) => active && setLinks(next),
      () => active && setLinks(null),
    );
    return () => {
      active = false;
    };
  }, []);

  if (info?.runtime !== 'electron' || !state || !policy) return null;
  const { settings, locked } = state;
  const change = (patch: SettingsPatch) =>
    updateSettings(patch).then(
      () => setMessage({ kind: 'status', text: t('settings.saved') }),
      (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  const registerLinks = () =>
    call('dialLinks.register', undefined).then(
      (next) => {
        setLinks(next);
        setMessage({
          kind: 'status',
          text: t(next.confirmInSystemSettings ? 'desktop.links.confirmInWindows' : 'desktop.links.done'),
        });
      },
      (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  const shortcuts = policy.globalShortcuts;
  const shortcutsOffByPolicy = !shortcuts.enabled;

  return (
    <section className="card settings-card" aria-labelledby="settings-desktop">
      <h2 id="settings-desktop" className="card-title">
        {t('desktop.title')}
      </h2>
      <Toggle
        label={t('desktop.runInBackground')}
        hint={t('desktop.runInBackgroundHint')}
        checked={settings.runInBackground}
        locked={locked.includes('runInBackground')}
        onChange={(runInBackground) => void change({ runInBackground })}
      />
      <Toggle
        label={t('desktop.startAtLogin')}
        hint={t('desktop.startAtLoginHint')}
        checked={settings.startAtLogin}
        locked={locked.includes('startAtLogin')}
        onChange={(startAtLogin) => void change({ startAtLogin })}
      />
      <Toggle
        label={t('desktop.globalShortcuts')}
        hint={t('desktop.globalShortcutsHint')}
        checked={settings.globalShortcuts && !shortcutsOffByPolicy}
        locked={locked.includes('globalShortcuts')}
        onChange={(globalShortcuts) => void change({ globalShortcuts })}
      />
      {settings.globalShortcuts && !shortcutsOffByPolicy && (
        <dl className="shortcut-list">
          {(['answer', 'hangup', 'mute'] as const)
            .filter((action) => shortcuts[action] !== null)
            .map((action) => (
              <div key={action}>
                <dt>{t(`desktop.shortcut.${action}`)}</dt>
                <dd>
                  <kbd>{readable(shortcuts[action]!, info.platform)}</kbd>
                </dd>
              </div>
            ))}
        </dl>
      )}
      <div className="setting-row">
        <p>{t(links?.handled === 'yes' ? 'desktop.links.handled' : 'desktop.links.notHandled')}</p>
        {links?.handled !== 'yes' && links?.handled !== 'unavailable' && (
          <div className="button-row">
            <button type="button" className="button button-secondary" onClick={() => void registerLinks()}>
              {t('desktop.links.register')}
            </button>
          </div>
        )}
        {links?.confirmInSystemSettings && <p className="hint">{t('desktop.links.windowsHint')}</p>}
      </div>
      <Feedback message={message} />
    </section>
  );
}
