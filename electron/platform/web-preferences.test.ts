import { describe, expect, it } from 'vitest';
import { mainWindowOptions, secureWebPreferences } from './web-preferences.js';

describe('window security settings', () => {
  const prefs = secureWebPreferences('/app/preload.cjs', { devTools: false });

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webviewTag', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['navigateOnDragDrop', false],
    ['autoplayPolicy', 'no-user-gesture-required'],
    ['backgroundThrottling', false],
    ['devTools', false],
  ] as const)('%s is %s', (key, value) => {
    expect(prefs[key]).toBe(value);
  });

  it('sets nothing else that could loosen security', () => {
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'autoplayPolicy',
        'backgroundThrottling',
        'contextIsolation',
        'devTools',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'safeDialogs',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('the main window uses them and appears only when ready', () => {
    const options = mainWindowOptions('/app/preload.cjs', 'Secure Softphone', { devTools: false });
    expect(options.webPreferences).toEqual(prefs);
    expect(options.show).toBe(false);
  });

  it('opens DevTools only when asked to (development, or policy allowDevTools)', () => {
    expect(secureWebPreferences('/app/preload.cjs', { devTools: true }).devTools).toBe(true);
    expect(mainWindowOptions('/p', 'S', { devTools: true }).webPreferences.devTools).toBe(true);
  });
});
