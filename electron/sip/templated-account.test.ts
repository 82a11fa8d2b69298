import { describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { digestHa1 } from './sip-account-service.js';
import {
  createTemplatedSipAccount,
  expandSipTemplate,
  SipTemplateError,
  TEMPLATED_PASSWORD_KEY,
} from './templated-account.js';

describe('the SIP account template', () => {
  it('takes claims of the ID token, or the part before the @', () => {
    expect(
      expandSipTemplate({ uri: 'sip:${preferred_username}@pbx.example' }, { preferred_username: 'alice' }),
    ).toEqual({
      sipUri: 'sip:alice@pbx.example',
      authorizationUser: 'alice',
      realm: 'pbx.example',
    });
    expect(
      expandSipTemplate(
        {
          uri: 'sips:${upn:localpart}@pbx.example:5061',
          authorizationUser: '${employee_id}',
          realm: 'office',
        },
        { upn: 'bob.b@example.eu', employee_id: '4711' },
      ),
    ).toEqual({ sipUri: 'sips:bob.b@pbx.example:5061', authorizationUser: '4711', realm: 'office' });
  });

  it('refuses a missing claim or one a SIP user name cannot hold', () => {
    const template = { uri: 'sip:${preferred_username}@pbx.example' };
    expect(() => expandSipTemplate(template, {})).toThrow(SipTemplateError);
    for (const value of ['a@b', 'a;transport=tcp', 'a b', 'a:1', '', 'x'.repeat(65)])
      expect(() => expandSipTemplate(template, { preferred_username: value }), value).toThrow(
        SipTemplateError,
      );
    expect(() => expandSipTemplate(template, { preferred_username: 42 })).toThrow(/preferred_username/);
  });

  it('keeps the password entered once for that account only, and gives the phone its HA1', async () => {
    const secrets = createMemorySecretStore();
    let account: { sipUri: string; authorizationUser: string; realm: string; displayName: string } | null = {
      sipUri: 'sip:alice@pbx.example',
      authorizationUser: 'alice',
      realm: 'pbx.example',
      displayName: 'Alice',
    };
    const templated = createTemplatedSipAccount({
      secrets,
      account: () => account,
      wssUrl: () => 'wss://pbx.example',
    });
    expect(await templated.state()).toMatchObject({
      passwordNeeded: true,
      account: { sipUri: 'sip:alice@pbx.example' },
    });
    expect(await templated.registration()).toBeNull();
    expect(await templated.setPassword('s3cret')).toBe(true);
    expect(await templated.state()).toMatchObject({ passwordNeeded: false });
    expect(await templated.registration()).toEqual({
      displayName: 'Alice',
      sipUri: 'sip:alice@pbx.example',
      authorizationUser: 'alice',
      wssUrl: 'wss://pbx.example',
      realm: 'pbx.example',
      ha1: digestHa1('alice', 'pbx.example', 's3cret'),
    });
    // Another person's template gives another URI: the password is not theirs.
    account = { ...account, sipUri: 'sip:bob@pbx.example', authorizationUser: 'bob' };
    expect(await templated.state()).toMatchObject({ passwordNeeded: true });
    expect(await templated.registration()).toBeNull();
    account = null;
    expect(await templated.state()).toBeNull();
    expect(await templated.setPassword('x')).toBe(false);
    expect(await secrets.get(TEMPLATED_PASSWORD_KEY)).toContain('sip:alice@pbx.example');
  });
});
