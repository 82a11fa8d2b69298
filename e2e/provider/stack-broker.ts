import { Secret } from 'otpauth';
import type { KamailioHandle } from './kamailio.js';
import { startLoginBroker, type LoginBroker, type TestAccount, type TestUserInput } from './login-broker.js';
import { kamailioProvisioner } from './sip-provisioner.js';

/**
 * The sign-in choices of the app, each with a seeded test user, plus one Google user without a second factor;
 * and users of their own for specs that may run at the same time as e2e/sign-in.spec.ts (a sign-in rotates
 * the user's SIP password): the aged session (e2e/session-age.spec.ts) and a call across a rotation of
 * short-lived SIP credentials (e2e/sip-rotation.spec.ts).
 */
export const SIGN_IN_USER_KEYS = [
  'provider',
  'google',
  'apple',
  'company',
  'googleWithoutMfa',
  'sessionAge',
  'rotating',
  'rotationPeer',
  'auditor',
  'screens',
] as const;
export type SignInUserKey = (typeof SIGN_IN_USER_KEYS)[number];
export type SignInUsers = Record<SignInUserKey, TestAccount>;

/**
 * Starts the stack's login broker against its Kamailio (credentials provisioned through the ctl socket)
 * and seeds one user per sign-in choice. The users (with their passwords and TOTP seeds) go into the
 * stack state: specs run in other processes than the broker, so they sign in as these users.
 */
export async function startStackBroker(
  pki: { serverCertPath: string; serverKeyPath: string; caCertPath: string },
  kamailio: KamailioHandle,
  options: { auditDatabasePath?: string; statusControlPath?: string } = {},
): Promise<{ broker: LoginBroker; users: SignInUsers }> {
  const broker = await startLoginBroker({
    pki,
    sip: { wssUrl: kamailio.wssUrl, domain: kamailio.sipDomain },
    provisioner: kamailioProvisioner(kamailio.ctlSocket),
    ...(options.auditDatabasePath !== undefined && { auditDatabasePath: options.auditDatabasePath }),
    ...(options.statusControlPath !== undefined && { statusControlPath: options.statusControlPath }),
  });
  const seed = (key: SignInUserKey, user: Omit<TestUserInput, 'password' | 'sipUsername'>) =>
    broker.addUser({
      ...user,
      password: `${key}-${new Secret({ size: 10 }).base32.toLowerCase()}`,
      sipUsername: `signin-${user.username.split(/[.@]/)[0]}`,
    });
  const users: SignInUsers = {
    provider: seed('provider', {
      username: 'paula',
      upstream: 'provider',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['admin'],
      email: 'paula@provider.example',
      name: 'Paula Provider',
    }),
    google: seed('google', {
      username: 'gina@gmail.example',
      upstream: 'google',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['user'],
      email: 'gina@gmail.example',
      name: 'Gina Google',
    }),
    apple: seed('apple', {
      username: 'arthur@icloud.example',
      upstream: 'apple',
      secondFactor: 'hwk',
      roles: ['user'],
      email: 'arthur@icloud.example',
      name: 'Arthur Apple',
    }),
    company: seed('company', {
      username: 'carla@company.example',
      upstream: 'company',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['admin'],
      email: 'carla@company.example',
      name: 'Carla Company',
    }),
    googleWithoutMfa: seed('googleWithoutMfa', {
      username: 'nico@gmail.example',
      upstream: 'google',
      secondFactor: 'none',
      roles: ['user'],
      email: 'nico@gmail.example',
      name: 'Nico Nofactor',
    }),
    sessionAge: seed('sessionAge', {
      username: 'olga',
      upstream: 'provider',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['user'],
      email: 'olga@provider.example',
      name: 'Olga Oldsession',
    }),
    // SIP credentials of 20 s: the app rotates them every 16 s, so a call of a few seconds spans a rotation.
    rotating: seed('rotating', {
      username: 'rita',
      upstream: 'provider',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['user'],
      email: 'rita@provider.example',
      name: 'Rita Rotation',
      sipCredentialLifetimeMs: 20_000,
    }),
    rotationPeer: seed('rotationPeer', {
      username: 'petra',
      upstream: 'provider',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['user'],
      email: 'petra@provider.example',
      name: 'Petra Peer',
    }),
    // The audit-delivery spec's administrator (e2e/audit-delivery.spec.ts): every event of its device is counted.
    auditor: seed('auditor', {
      username: 'dora',
      upstream: 'provider',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['admin'],
      email: 'dora@provider.example',
      name: 'Dora Delivery',
    }),
    // The administrator whose screens are photographed (e2e/screens.spec.ts).
    screens: seed('screens', {
      username: 'sabine',
      upstream: 'provider',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['admin'],
      email: 'sabine@provider.example',
      name: 'Sabine Schmidt',
    }),
  };
  return { broker, users };
}
