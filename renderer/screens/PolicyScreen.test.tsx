import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { EventName } from '../../shared/ipc/contract';
import { resolvePolicy } from '../../shared/policy/schema';
import type { PolicyWarnings } from '../../shared/provider/policy-warnings';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { useSignInStore } from '../state/sign-in-store';
import { PolicyScreen } from './PolicyScreen';

const ISSUER = 'https://login.microsoftonline.com/organizations/v2.0';

function fakeMain(warnings: PolicyWarnings) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge: SoftphoneBridge = {
    invoke: async (channel) =>
      channel === 'policy.warnings'
        ? { ok: true, value: warnings as never }
        : { ok: true, value: undefined as never },
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  return {
    bridge,
    emit(event: EventName, payload: unknown) {
      act(() => {
        for (const listener of listeners.get(event) ?? []) listener(payload);
      });
    },
  };
}

beforeEach(async () => {
  await applyLanguage('en');
  useSignInStore.setState({
    state: {
      status: 'signed-in',
      user: { name: 'Ada', email: 'ada@example.eu', roles: ['admin'], method: 'company' },
    },
  });
});
afterEach(cleanup);

describe('PolicyScreen', () => {
  it('shows the MFA rule, the kind of issuer and what the issuer cannot meet, updated on a policy change', async () => {
    const main = fakeMain({ issuer: ISSUER, warnings: [{ code: 'mfa-evidence-never-emitted' }] });
    window.softphone = main.bridge;
    useAppStore.setState({
      screen: 'policy',
      policy: resolvePolicy({
        provider: {
          issuer: ISSUER,
          clientId: 'app',
          wssUrl: 'wss://pbx.example.eu',
          kind: 'entra',
          tenants: [],
        },
      }),
    });
    render(<PolicyScreen />);
    expect(await screen.findByText(/never shows a second factor in its sign-ins/)).toBeTruthy();
    expect(screen.getByText('Microsoft Entra ID')).toBeTruthy();
    expect(
      screen.getByText('Second factor enforced by the sign-in provider (trusted)').nextSibling?.textContent,
    ).toBe('No');

    main.emit('policy.warningsChanged', {
      issuer: ISSUER,
      warnings: [{ code: 'mfa-enforced-by-idp' }, { code: 'scope-unsupported', detail: 'calls' }],
    });
    expect(screen.queryByText(/never shows a second factor/)).toBeNull();
    expect(screen.getByText(/trusted to the sign-in provider \(mfa.enforcedByIdp\)/)).toBeTruthy();
    expect(
      screen.getByText('The sign-in provider does not list the scope calls of provider.scopes.'),
    ).toBeTruthy();

    main.emit('policy.warningsChanged', { issuer: ISSUER, warnings: [] });
    expect(screen.getByText("The sign-in provider's published settings meet this policy.")).toBeTruthy();
  });
});
