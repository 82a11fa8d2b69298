import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings/settings';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { usePhoneStore } from '../state/phone-store';
import { RegistrationIndicator } from './RegistrationStatus';

function showWith(doNotDisturb: boolean) {
  useAppStore.setState({ settings: { settings: { ...defaultSettings, doNotDisturb }, locked: [] } });
  usePhoneStore.setState({ registration: { state: 'registered' } });
  render(<RegistrationIndicator />);
}

beforeEach(() => applyLanguage('en'));
afterEach(() => {
  cleanup();
  useAppStore.setState({ settings: null });
});

describe('the line status in the sidebar', () => {
  it('says the line is ready', () => {
    showWith(false);
    expect(screen.getByRole('status').textContent).toBe('Ready');
  });

  it('adds Do Not Disturb while it is on, as the tray does', () => {
    showWith(true);
    expect(screen.getByRole('status').textContent).toBe('Ready · Do Not Disturb');
    applyLanguage('de');
    cleanup();
    showWith(true);
    expect(screen.getByRole('status').textContent).toBe('Bereit · Bitte nicht stören');
  });
});
