// The company's own IdP as issuer, one per kind: the login broker stands in with the kind's token shapes
// (e2e/provider/login-broker-shapes.ts), no provider API, the SIP account from the policy's template.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { setSipUser } from '../../e2e/provider/kamailio.js';
import { startLoginBroker, type LoginBroker, type TestAccount } from '../../e2e/provider/login-broker.js';
import {
  AUTH0_ROLES_CLAIM,
  AUTH0_SHAPE,
  entraShape,
  GOOGLE_SHAPE,
  keycloakShape,
  OKTA_SHAPE,
  type IssuerShape,
} from '../../e2e/provider/login-broker-shapes.js';
import { freePort } from '../../e2e/provider/ports.js';
import { kamailioProvisioner } from '../../e2e/provider/sip-provisioner.js';
import type { StackState } from '../../e2e/support/stack-state.js';

const CLIENT = 'secure-softphone';
const GOOGLE_SECRET = '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nfidential';

export const shapedKinds = ['entra', 'google', 'okta', 'keycloak', 'auth0'] as const;
export type ShapedKind = (typeof shapedKinds)[number];

export interface ShapedIssuer {
  broker: LoginBroker;
  /** A person with a security key (no TOTP period to wait for between runs) and a SIP account. */
  person: TestAccount;
  sipPassword: string;
  policy: object;
  /** The sign-in button the person uses. */
  button: 'Continue with Google' | 'Continue with company SSO';
}

interface KindSetup {
  shape: IssuerShape;
  claims: Record<string, unknown>;
  provider: Record<string, unknown>;
  extra?: object;
  exactPorts?: boolean;
}

function setupOf(kind: ShapedKind, ports: number[], tenant: string): KindSetup {
  switch (kind) {
    case 'entra':
      return {
        shape: entraShape(tenant),
        claims: { tid: tenant, oid: randomUUID(), roles: ['Softphone.Admin'] },
        provider: { tenants: [tenant], adminRoles: ['Softphone.Admin'] },
        extra: { mfa: { enforcedByIdp: true } },
      };
    case 'google':
      return {
        shape: GOOGLE_SHAPE,
        claims: { hd: 'example.eu' },
        provider: { clientSecret: GOOGLE_SECRET, hostedDomain: 'example.eu' },
        extra: { mfa: { enforcedByIdp: true } },
      };
    case 'okta':
      return {
        shape: OKTA_SHAPE,
        claims: { groups: ['Everyone'] },
        provider: { loopbackPorts: ports },
        exactPorts: true,
      };
    case 'keycloak':
      return {
        shape: keycloakShape('staff'),
        claims: {},
        provider: {},
        extra: { mfa: { acr: ['gold'] } },
      };
    case 'auth0':
      return {
        shape: AUTH0_SHAPE,
        claims: { [AUTH0_ROLES_CLAIM]: ['agent'] },
        provider: { loopbackPorts: ports, roleClaims: ['/https:~1~1softphone.example~1roles'] },
        exactPorts: true,
      };
  }
}

export async function startShapedIssuer(kind: ShapedKind, state: StackState): Promise<ShapedIssuer> {
  const ports = [await freePort(), await freePort()];
  const setup = setupOf(kind, ports, randomUUID());
  const broker = await startLoginBroker({
    pki: state,
    sip: { wssUrl: state.wssUrl, domain: state.sipDomain },
    provisioner: kamailioProvisioner(state.ctlSocket),
    shape: {
      issuer: setup.shape,
      clients: [
        {
          clientId: CLIENT,
          ...(kind === 'google' && { clientSecret: GOOGLE_SECRET }),
          ...(setup.exactPorts && { exactPorts: ports }),
        },
      ],
    },
  });
  const local = `bench.${kind}`;
  const person = broker.addUser({
    username: `${local}@example.eu`,
    password: `${local}-${randomUUID()}`,
    upstream: 'company',
    secondFactor: 'hwk',
    roles: ['user'],
    email: `${local}@example.eu`,
    name: `Bench ${kind}`,
    sipUsername: local,
    claims: setup.claims,
  });
  const sipPassword = `sip-${randomUUID()}`;
  await setSipUser(state.ctlSocket, local, sipPassword);
  const issuer =
    kind === 'entra'
      ? broker.issuer.replace(/\/[0-9a-f-]{36}\/v2\.0$/, '/organizations/v2.0')
      : broker.issuer;
  return {
    broker,
    person,
    sipPassword,
    button: kind === 'google' ? 'Continue with Google' : 'Continue with company SSO',
    policy: {
      extraCaCertificates: [state.caCertPem],
      provider: {
        issuer,
        clientId: CLIENT,
        wssUrl: state.wssUrl,
        kind,
        // Google's and Auth0's ID tokens have no preferred_username.
        sipAccount: { uri: `sip:\${email:localpart}@${state.sipDomain}` },
        ...setup.provider,
      },
      signInMethods: ['company', 'google'],
      ...setup.extra,
    },
  };
}

/** Starts the sign-in in the app; the broker's page it opened. */
export async function startAt(app: Page, issuer: ShapedIssuer, newPage: Promise<Page>): Promise<Page> {
  if (issuer.button === 'Continue with company SSO')
    await app.getByLabel('Work e-mail address').fill(issuer.person.email);
  await app.getByRole('button', { name: issuer.button }).click();
  return newPage;
}

/** The SIP password of the templated account, asked for after every sign-in (a session secret). */
export async function enterSipPassword(app: Page, issuer: ShapedIssuer): Promise<void> {
  const field = app.getByLabel('Password of your phone line');
  await field.fill(issuer.sipPassword);
  await app.getByRole('button', { name: 'Save password' }).click();
}
