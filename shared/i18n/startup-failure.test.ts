import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../policy/schema.js';
import { policyProblem } from '../policy/problems.js';
import { startupFailureMessage } from './startup-failure.js';

/** Problems as the validator reports them for a policy file with mistakes of every common kind. */
function problemsOf(raw: unknown) {
  const parsed = parsePolicy(raw);
  if (parsed.ok) throw new Error('the policy was expected to be invalid');
  return parsed.problems;
}

const invalid = {
  kind: 'invalid-policy' as const,
  location: '/etc/secure-softphone/policy.json',
  problems: problemsOf({ provider: { issuer: 'http://login.example.eu' }, colour: 'blue' }),
};

describe('the start-up failure message', () => {
  it('names every bad policy key, in German on a German system', () => {
    const { title, body } = startupFailureMessage('de-AT', invalid);
    expect(title).toBe('Secure Softphone kann nicht starten');
    expect(body).toContain(
      'Die Richtlinie Ihrer Organisation in /etc/secure-softphone/policy.json ist ungültig',
    );
    expect(body).toContain('• provider.issuer: muss eine https://-Adresse sein');
    expect(body).toContain('• colour: ist kein bekannter Richtlinienschlüssel');
  });

  it('leaves none of the validator’s English in the German text', () => {
    const problems = [
      ...problemsOf({
        idleLockMinutes: 'ten',
        sessionMaxAgeHours: -1,
        signInMethods: ['google', 'myspace'],
        defaultCountry: 'Germany',
        pinnedSpkiSha256: ['abc'],
        provider: {
          issuer: 'https://login.example.eu/',
          clientId: '',
          wssUrl: 'ws://sip.example.eu',
          apiBaseUrl: 'x',
        },
        iceServers: [{ urls: ['http://turn.example.eu'] }],
        globalShortcuts: { answer: 'Hyper+Q' },
      }),
      ...problemsOf({ mediaTimeoutSeconds: 30, mediaHangupSeconds: 20 }),
      policyProblem('(file)', { code: 'invalid-json', position: 17 }),
      policyProblem(
        'requireMfa',
        { code: 'registry-boolean', value: 'RequireMfa' },
        'HKLM\\Software\\Policies',
      ),
    ];
    const { body } = startupFailureMessage('de-DE', { kind: 'invalid-policy', location: 'x', problems });
    const lines = body.split('\n').slice(1);
    expect(lines).toHaveLength(problems.length);
    for (const line of lines)
      expect(line).not.toMatch(/\b(must|is not|expected|received|invalid|Invalid|too)\b/);
    expect(lines).toContain('• idleLockMinutes: muss eine Zahl sein');
    expect(lines).toContain('• provider.wssUrl: muss eine wss://-Adresse sein');
    expect(lines).toContain('• (file): ist kein gültiges JSON (bei Zeichen 17)');
    expect(lines).toContain('• iceServers.0.urls.0: muss eine stun:-, turn:- oder turns:-Adresse sein');
    expect(lines).toContain(
      '• globalShortcuts.answer: muss eine Tastenkombination sein, etwa CommandOrControl+Alt+Shift+A',
    );
    expect(lines).toContain('• mediaHangupSeconds: muss länger sein als mediaTimeoutSeconds');
    expect(lines).toContain(
      '• requireMfa: muss REG_DWORD 1 (an) oder 0 (aus) sein (Wert RequireMfa) (in HKLM\\Software\\Policies)',
    );
  });

  it('is English elsewhere, and says to contact IT for anything else', () => {
    expect(startupFailureMessage('fr-FR', invalid).title).toBe('Secure Softphone cannot start');
    expect(startupFailureMessage('en-GB', { kind: 'other', detail: 'EACCES' }).body).toMatch(
      /^An unexpected error occurred\. Please contact your IT department\.\n\nEACCES$/,
    );
  });
});
