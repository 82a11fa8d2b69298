import { describe, expect, it } from 'vitest';
import { appRoles, findRoles, type ClaimSet } from './roles.js';

const only = (idToken: ClaimSet, extra: { userinfo?: ClaimSet; accessToken?: ClaimSet } = {}) => ({
  'id-token': idToken,
  userinfo: extra.userinfo ?? null,
  'access-token': extra.accessToken ?? null,
});
const rule = { adminRoles: ['admin'], admins: [] };

describe('roles from claim paths', () => {
  it('reads an array (Entra app roles, Okta groups) and the keys of an object (Zitadel)', () => {
    expect(findRoles(only({ roles: ['Softphone.Admin', 7] }), ['/roles'], 'app')).toEqual({
      status: 'found',
      source: 'id-token',
      values: ['Softphone.Admin'],
    });
    const zitadel = { 'urn:zitadel:iam:org:project:roles': { admin: { 123: 'org' }, user: {} } };
    expect(findRoles(only(zitadel), ['/urn:zitadel:iam:org:project:roles'], 'app')).toMatchObject({
      values: ['admin', 'user'],
    });
  });

  it("follows Keycloak's realm and client roles, the client id escaped as one key", () => {
    const claims = {
      realm_access: { roles: ['offline_access'] },
      resource_access: { 'desk/top': { roles: ['admin'] } },
    };
    expect(
      findRoles(only(claims), ['/realm_access/roles', '/resource_access/{clientId}/roles'], 'desk/top'),
    ).toMatchObject({ values: ['offline_access', 'admin'] });
  });

  it("reads Auth0's namespaced claim through JSON Pointer escapes", () => {
    const claims = { 'https://softphone.example/roles': ['admin'] };
    expect(findRoles(only(claims), ['/https:~1~1softphone.example~1roles'], 'app')).toMatchObject({
      values: ['admin'],
    });
  });

  it('looks in the ID token, then userinfo, then the access token; the first that has roles decides', () => {
    const sources = only({ sub: 'a' }, { userinfo: { roles: ['user'] }, accessToken: { roles: ['admin'] } });
    expect(findRoles(sources, ['/roles'], 'app')).toMatchObject({ source: 'userinfo', values: ['user'] });
    expect(findRoles(only({}, { accessToken: { roles: ['admin'] } }), ['/roles'], 'app')).toMatchObject({
      source: 'access-token',
    });
    expect(findRoles(only({}), ['/roles'], 'app')).toEqual({ status: 'absent' });
    expect(findRoles(only({ roles: ['admin'] }), [], 'app')).toEqual({ status: 'absent' });
  });

  it('an Entra groups overage (_claim_names.groups) means roles unknown, not no roles', () => {
    const overage = {
      _claim_names: { groups: 'src1' },
      _claim_sources: { src1: { endpoint: 'https://graph' } },
    };
    expect(findRoles(only(overage, { userinfo: { groups: ['x'] } }), ['/groups'], 'app')).toEqual({
      status: 'unknown',
      source: 'id-token',
    });
    // An overage of another claim does not matter.
    expect(findRoles(only(overage), ['/roles'], 'app')).toEqual({ status: 'absent' });
  });
});

describe("the app's roles", () => {
  it('admin by a role value of the policy, user otherwise', () => {
    expect(appRoles({ status: 'found', source: 'id-token', values: ['admin'] }, {}, rule)).toEqual({
      roles: ['admin'],
    });
    expect(
      appRoles(
        { status: 'found', source: 'id-token', values: ['Softphone.Admin'] },
        {},
        { ...rule, adminRoles: ['Softphone.Admin'] },
      ),
    ).toEqual({ roles: ['admin'] });
    expect(appRoles({ status: 'found', source: 'id-token', values: ['staff'] }, {}, rule)).toEqual({
      roles: ['user'],
    });
    expect(appRoles({ status: 'absent' }, {}, rule)).toEqual({ roles: ['user'] });
  });

  it('roles unknown stay unknown (no silent demotion), unless the admin list names the person', () => {
    expect(appRoles({ status: 'unknown', source: 'id-token' }, { sub: 's' }, rule)).toEqual({
      roles: [],
      rolesUnknown: true,
    });
    expect(
      appRoles({ status: 'unknown', source: 'id-token' }, { sub: 's' }, { ...rule, admins: ['s'] }),
    ).toEqual({
      roles: ['admin'],
    });
  });

  it('the admin list matches the subject, or an e-mail address only where the IdP verified it', () => {
    const admins = { ...rule, admins: ['IT@Example.eu', '1098'] };
    const absent = { status: 'absent' } as const;
    expect(appRoles(absent, { sub: '1098' }, admins).roles).toEqual(['admin']);
    expect(
      appRoles(absent, { sub: 'x', email: 'it@example.eu', email_verified: true }, admins).roles,
    ).toEqual(['admin']);
    expect(appRoles(absent, { sub: 'x', email: 'it@example.eu' }, admins).roles).toEqual(['user']);
    expect(
      appRoles(absent, { sub: 'x', email: 'it@example.eu', email_verified: false }, admins).roles,
    ).toEqual(['user']);
  });
});
