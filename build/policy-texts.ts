// Texts of the policy templates that are not in the schema: titles, categories and German explanations.
// The English explanations are the schema's own .describe() texts (shared/policy/schema.ts).
import type { PolicyFile } from '../shared/policy/schema.js';

export type Language = 'en' | 'de';
export type Localized = Record<Language, string>;

export const categoryNames = [
  'provider',
  'signIn',
  'security',
  'calls',
  'data',
  'updates',
  'desktop',
] as const;
export type CategoryName = (typeof categoryNames)[number];

export const categories: Record<CategoryName, Localized> = {
  provider: { en: 'Provider', de: 'Anbieter' },
  signIn: { en: 'Sign-in and session', de: 'Anmeldung und Sitzung' },
  security: { en: 'Connection security', de: 'Verbindungssicherheit' },
  calls: { en: 'Calls and language', de: 'Anrufe und Sprache' },
  data: { en: 'Data on this device', de: 'Daten auf diesem Gerät' },
  updates: { en: 'Updates', de: 'Aktualisierungen' },
  desktop: { en: 'Desktop and shortcuts', de: 'Desktop und Tastenkürzel' },
};

export interface KeyText {
  category: CategoryName;
  title: Localized;
  /** German explanation; the English one is the schema's description. */
  descriptionDe: string;
}

/** By policy key path, as in the registry mapping table (`provider.issuer`, `requireMfa`). */
export const keyTexts: Record<string, KeyText> = {
  'provider.issuer': {
    category: 'provider',
    title: { en: 'Provider: OIDC issuer', de: 'Anbieter: OIDC-Aussteller' },
    descriptionDe: 'OIDC-Aussteller (Issuer) des Anmeldedienstes des Anbieters (https://)',
  },
  'provider.clientId': {
    category: 'provider',
    title: { en: 'Provider: OIDC client id', de: 'Anbieter: OIDC-Client-ID' },
    descriptionDe: 'OIDC-Client-ID dieser App beim Anmeldedienst',
  },
  'provider.wssUrl': {
    category: 'provider',
    title: { en: 'Provider: SIP WebSocket URL', de: 'Anbieter: SIP-WebSocket-URL' },
    descriptionDe: 'Endpunkt für SIP über sicheren WebSocket (wss://, RFC 7118)',
  },
  'provider.apiBaseUrl': {
    category: 'provider',
    title: { en: 'Provider: API base URL', de: 'Anbieter: API-Basis-URL' },
    descriptionDe:
      'Basis-URL der Anbieter-API (https://; ihre Pfade /v1/... liegen darunter); ohne sie kommt das SIP-Konto aus sipAccount oder dem Formular',
  },
  'provider.kind': {
    category: 'provider',
    title: { en: 'Provider: kind of issuer', de: 'Anbieter: Art des Ausstellers' },
    descriptionDe:
      'Art des Ausstellers: broker (Standard), generic, entra, google, okta, keycloak oder auth0',
  },
  'provider.clientSecret': {
    category: 'provider',
    title: { en: 'Provider: client secret', de: 'Anbieter: Client-Geheimnis' },
    descriptionDe:
      'Client-Geheimnis eines Desktop-Clients, der eines senden muss (Google); nicht vertraulich',
  },
  'provider.scopes': {
    category: 'provider',
    title: { en: 'Provider: extra scopes', de: 'Anbieter: zusätzliche Scopes' },
    descriptionDe: 'Scopes, die zusätzlich zu denen der Art angefragt werden',
  },
  'provider.authorizationParameters': {
    category: 'provider',
    title: { en: 'Provider: extra authorization parameters', de: 'Anbieter: zusätzliche Parameter' },
    descriptionDe:
      'Zusätzliche Parameter der Anmeldeanfrage, z. B. {"audience": "...", "domain_hint": "..."}',
  },
  'provider.roleClaims': {
    category: 'provider',
    title: { en: 'Provider: role claims', de: 'Anbieter: Claims mit Rollen' },
    descriptionDe:
      'Wo die Rollen in den Tokens stehen, als JSON Pointer in Reihenfolge (Standard je Art); {clientId} steht für die Client-ID',
  },
  'provider.adminRoles': {
    category: 'provider',
    title: { en: 'Provider: administrator roles', de: 'Anbieter: Administratorrollen' },
    descriptionDe:
      'Rollenwerte (oder Gruppen-IDs), die einen Benutzer zum Administrator machen (Standard: admin)',
  },
  'provider.rolesFromAccessToken': {
    category: 'provider',
    title: { en: 'Provider: roles from the access token', de: 'Anbieter: Rollen aus dem Access-Token' },
    descriptionDe:
      'Rollen auch aus dem Access-Token lesen, wenn es ein JWT für diese App ist (Standard: nur keycloak)',
  },
  'provider.admins': {
    category: 'provider',
    title: { en: 'Provider: administrators', de: 'Anbieter: Administratoren' },
    descriptionDe:
      'Administratoren nach Subjekt des ID-Tokens oder E-Mail-Adresse, für IdPs ohne Rollen (Google)',
  },
  'provider.tenants': {
    category: 'provider',
    title: { en: 'Provider: allowed Entra tenants', de: 'Anbieter: erlaubte Entra-Mandanten' },
    descriptionDe:
      'Entra ID: die Mandanten-IDs (tid), die sich anmelden dürfen; für einen mandantenübergreifenden Aussteller nötig',
  },
  'provider.hostedDomain': {
    category: 'provider',
    title: { en: 'Provider: Google Workspace domain', de: 'Anbieter: Google-Workspace-Domain' },
    descriptionDe: 'Google Workspace: die Domain (Claim hd), zu der jedes Konto gehören muss',
  },
  'provider.loopbackPorts': {
    category: 'provider',
    title: { en: 'Provider: fixed loopback ports', de: 'Anbieter: feste Loopback-Ports' },
    descriptionDe:
      'Feste Loopback-Ports für die Weiterleitung, der Reihe nach versucht, für IdPs, die Ports genau vergleichen',
  },
  'provider.sipAccount': {
    category: 'provider',
    title: { en: 'Provider: SIP account template', de: 'Anbieter: Vorlage für das SIP-Konto' },
    descriptionDe:
      'Ohne Anbieter-API: das SIP-Konto aus dem ID-Token, z. B. {"uri": "sip:${preferred_username}@pbx.example"}',
  },
  signInMethods: {
    category: 'signIn',
    title: { en: 'Sign-in methods', de: 'Anmeldeverfahren' },
    descriptionDe:
      'Angebotene Anmeldeverfahren: google, apple, company (Unternehmens-SSO) und provider (Konto beim Anbieter)',
  },
  companyDomains: {
    category: 'signIn',
    title: { en: 'Company e-mail domains', de: 'E-Mail-Domains des Unternehmens' },
    descriptionDe: 'E-Mail-Domains des Unternehmens für die Unternehmensanmeldung (z. B. example.eu)',
  },
  requireMfa: {
    category: 'signIn',
    title: { en: 'Require a second factor', de: 'Zweiten Faktor verlangen' },
    descriptionDe: 'Eine Anmeldung ablehnen, die nach der Regel mfa keinen zweiten Faktor ausweist',
  },
  mfa: {
    category: 'signIn',
    title: { en: 'What proves a second factor', de: 'Was einen zweiten Faktor belegt' },
    descriptionDe:
      'Was einen zweiten Faktor belegt: amr-Werte, acr-Werte oder die Zusicherung, dass der IdP ihn erzwingt (enforcedByIdp)',
  },
  idleLockMinutes: {
    category: 'signIn',
    title: { en: 'Lock after inactivity (minutes)', de: 'Sperren nach Inaktivität (Minuten)' },
    descriptionDe: 'Minuten ohne Eingabe, nach denen sich die App sperrt',
  },
  sessionMaxAgeHours: {
    category: 'signIn',
    title: { en: 'Maximum session age (hours)', de: 'Höchstalter der Sitzung (Stunden)' },
    descriptionDe: 'Stunden nach der Anmeldung, nach denen das Entsperren eine neue Anmeldung verlangt',
  },
  allowManualSipAccount: {
    category: 'signIn',
    title: { en: 'Allow a manual SIP account', de: 'Manuelles SIP-Konto erlauben' },
    descriptionDe: 'Benutzern erlauben, ein SIP-Konto von Hand statt des bereitgestellten einzutragen',
  },
  pinnedSpkiSha256: {
    category: 'security',
    title: { en: 'Pinned server keys (SPKI SHA-256)', de: 'Angeheftete Serverschlüssel (SPKI SHA-256)' },
    descriptionDe:
      'Angeheftete öffentliche Schlüssel der Anbieter-Server (Base64 von SHA-256 über SPKI); leer: kein Pinning',
  },
  extraCaCertificates: {
    category: 'security',
    title: { en: 'Additional CA certificates', de: 'Zusätzliche CA-Zertifikate' },
    descriptionDe:
      'Zusätzliche CA-Zertifikate (PEM), denen für den Anbieter neben den Stammzertifikaten des Systems vertraut wird',
  },
  iceServers: {
    category: 'security',
    title: { en: 'STUN/TURN servers', de: 'STUN-/TURN-Server' },
    descriptionDe: 'STUN-/TURN-Server für Anrufe, höchstens 8; standardmäßig keine',
  },
  allowTransferByFarEnd: {
    category: 'calls',
    title: { en: 'Follow transfers by the other side', de: 'Weitergabe durch die Gegenseite folgen' },
    descriptionDe:
      'Einer Weitergabe folgen, um die die Gegenseite eines Gesprächs bittet (SIP REFER); standardmäßig an',
  },
  mediaTimeoutSeconds: {
    category: 'calls',
    title: { en: 'Seconds without audio before a warning', de: 'Sekunden ohne Ton bis zum Hinweis' },
    descriptionDe:
      'Sekunden ohne Ton von der Gegenseite (RTP oder RTCP), bevor ein Gespräch darauf hinweist; standardmäßig 10',
  },
  mediaHangupSeconds: {
    category: 'calls',
    title: { en: 'Seconds without audio before hanging up', de: 'Sekunden ohne Ton bis zum Auflegen' },
    descriptionDe:
      'Sekunden ohne Ton von der Gegenseite insgesamt, bevor das Gespräch beendet wird; standardmäßig 60',
  },
  openExternalAllowList: {
    category: 'security',
    title: { en: 'Extra hosts the browser may open', de: 'Weitere Hosts für den Browser' },
    descriptionDe:
      'Weitere https-Hosts, die die App im Browser öffnen darf (Anmeldeseiten außerhalb des Ausstellers)',
  },
  defaultCountry: {
    category: 'calls',
    title: { en: 'Default country', de: 'Standardland' },
    descriptionDe: 'Land (ISO 3166-1 Alpha-2) für nationale Rufnummern, z. B. DE',
  },
  language: {
    category: 'calls',
    title: { en: 'Language', de: 'Sprache' },
    descriptionDe: 'Sprache der App; nicht gesetzt folgt sie dem System',
  },
  historyRetentionDays: {
    category: 'data',
    title: { en: 'Keep call history (days)', de: 'Anrufliste aufbewahren (Tage)' },
    descriptionDe:
      'Anrufe, die älter sind als so viele Tage, werden gelöscht (beim Start und täglich); nicht gesetzt bleiben sie erhalten',
  },
  auditRetentionDays: {
    category: 'data',
    title: {
      en: 'Keep delivered audit events (days)',
      de: 'Zugestellte Audit-Ereignisse aufbewahren (Tage)',
    },
    descriptionDe:
      'Vom Anbieter bestätigte Audit-Ereignisse bleiben so viele Tage auf dem Gerät (Standard 90); nicht zugestellte bleiben immer erhalten',
  },
  allowExport: {
    category: 'data',
    title: { en: 'Allow data export', de: 'Datenexport erlauben' },
    descriptionDe: 'Benutzern erlauben, ihre eigenen Daten zu exportieren',
  },
  allowDelete: {
    category: 'data',
    title: { en: 'Allow deleting all data', de: 'Löschen aller Daten erlauben' },
    descriptionDe: 'Benutzern erlauben, alle ihre Daten auf diesem Gerät zu löschen',
  },
  updateChannel: {
    category: 'updates',
    title: { en: 'Update channel', de: 'Aktualisierungskanal' },
    descriptionDe: 'Aktualisierungskanal',
  },
  updateUrl: {
    category: 'updates',
    title: { en: 'Update server URL', de: 'URL des Aktualisierungsservers' },
    descriptionDe: 'https://-URL des Aktualisierungsservers (generischer Anbieter)',
  },
  updatesDisabled: {
    category: 'updates',
    title: { en: 'Turn updates off', de: 'Aktualisierungen abschalten' },
    descriptionDe: 'Automatische Aktualisierungen abschalten',
  },
  runInBackground: {
    category: 'desktop',
    title: { en: 'Run in the background', de: 'Im Hintergrund weiterlaufen' },
    descriptionDe:
      'Das Schließen des Fensters lässt die App im Infobereich weiterlaufen, erreichbar für Anrufe (Standard: an)',
  },
  startAtLogin: {
    category: 'desktop',
    title: { en: 'Start at sign-in', de: 'Bei der Anmeldung starten' },
    descriptionDe:
      'Die App startet im Hintergrund, wenn sich der Benutzer am Computer anmeldet (Standard: aus)',
  },
  'globalShortcuts.enabled': {
    category: 'desktop',
    title: { en: 'Global shortcuts', de: 'Globale Tastenkürzel' },
    descriptionDe:
      'Globale Tastenkürzel an oder aus; per Richtlinie gesetzt, können Benutzer es nicht ändern',
  },
  'globalShortcuts.answer': {
    category: 'desktop',
    title: { en: 'Global shortcut: answer', de: 'Globales Tastenkürzel: Annehmen' },
    descriptionDe: 'Nimmt den klingelnden Anruf an (Tastenkombination in Electron-Schreibweise)',
  },
  'globalShortcuts.hangup': {
    category: 'desktop',
    title: { en: 'Global shortcut: hang up', de: 'Globales Tastenkürzel: Auflegen' },
    descriptionDe:
      'Legt den laufenden Anruf auf oder lehnt einen klingelnden ab (Tastenkombination in Electron-Schreibweise)',
  },
  'globalShortcuts.mute': {
    category: 'desktop',
    title: { en: 'Global shortcut: mute', de: 'Globales Tastenkürzel: Stummschalten' },
    descriptionDe: 'Schaltet das Mikrofon aus und wieder ein (Tastenkombination in Electron-Schreibweise)',
  },
  allowDevTools: {
    category: 'desktop',
    title: { en: 'Allow developer tools (support)', de: 'Entwicklerwerkzeuge erlauben (Support)' },
    descriptionDe:
      'Entwicklerwerkzeuge in der installierten App erlauben, nur für den Support (Standard: aus); gilt ab dem nächsten Start',
  },
};

/** Sentences the generator puts around each explanation. */
export const phrases = {
  productPolicies: { en: 'Secure Softphone', de: 'Secure Softphone' },
  templateDescription: {
    en: 'Managed policy for Secure Softphone. Computer settings take precedence over user settings.',
    de: 'Verwaltete Richtlinie für Secure Softphone. Computereinstellungen haben Vorrang vor Benutzereinstellungen.',
  },
  supportedOn: { en: 'Secure Softphone 0.1 and later', de: 'Secure Softphone 0.1 und höher' },
  precedence: {
    en: 'Set under Computer Configuration, it takes precedence over User Configuration. Set by policy, users cannot change it.',
    de: 'Unter Computerkonfiguration gesetzt, hat die Einstellung Vorrang vor der Benutzerkonfiguration. Per Richtlinie gesetzt, können Benutzer sie nicht ändern.',
  },
  provider: {
    en: 'Set the provider values together, in the same place (computer or user): issuer, client id and SIP edge at least.',
    de: 'Die Anbieter-Werte zusammen und am selben Ort (Computer oder Benutzer) setzen: mindestens Aussteller, Client-ID und SIP-Zugang.',
  },
  boolean: {
    en: 'Enabled: on. Disabled: off.',
    de: 'Aktiviert: an. Deaktiviert: aus.',
  },
  strings: { en: 'One value per line.', de: 'Ein Wert pro Zeile.' },
  allowed: { en: 'Allowed values', de: 'Erlaubte Werte' },
  pem: {
    en: 'Paste the certificates in PEM form, each from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, one after the other.',
    de: 'Die Zertifikate im PEM-Format einfügen, jedes von -----BEGIN CERTIFICATE----- bis -----END CERTIFICATE-----, eines nach dem anderen.',
  },
  json: { en: 'A JSON list on one line, for example:', de: 'Eine JSON-Liste in einer Zeile, zum Beispiel:' },
  defaultValue: { en: 'Not configured', de: 'Nicht konfiguriert' },
  registryValue: { en: 'Registry value', de: 'Registrierungswert' },
  value: { en: 'Value', de: 'Wert' },
  on: { en: 'on', de: 'an' },
  off: { en: 'off', de: 'aus' },
  empty: { en: 'empty', de: 'leer' },
} satisfies Record<string, Localized>;

/** One value for every key: the macOS profile example and the reference's JSON example. */
export const examplePolicy: Required<PolicyFile> = {
  provider: {
    issuer: 'https://login.provider.example',
    clientId: 'secure-softphone',
    wssUrl: 'wss://sip.provider.example:7443',
    apiBaseUrl: 'https://api.provider.example',
  },
  signInMethods: ['company', 'provider'],
  companyDomains: ['example.eu'],
  requireMfa: true,
  mfa: { amr: ['mfa', 'otp', 'hwk'], acr: [], enforcedByIdp: false },
  idleLockMinutes: 15,
  sessionMaxAgeHours: 12,
  historyRetentionDays: 90,
  auditRetentionDays: 90,
  allowManualSipAccount: false,
  pinnedSpkiSha256: [],
  extraCaCertificates: [],
  defaultCountry: 'DE',
  language: 'de',
  updateChannel: 'stable',
  updateUrl: 'https://updates.provider.example/secure-softphone',
  updatesDisabled: false,
  allowExport: true,
  allowDelete: true,
  iceServers: [
    {
      urls: ['turns:turn.provider.example:443?transport=tcp'],
      username: 'softphone',
      credential: 'change-me',
    },
  ],
  runInBackground: true,
  startAtLogin: true,
  globalShortcuts: {
    enabled: true,
    answer: 'CommandOrControl+Alt+Shift+A',
    hangup: 'CommandOrControl+Alt+Shift+H',
    mute: 'MediaPlayPause',
  },
  allowDevTools: false,
  allowTransferByFarEnd: true,
  mediaTimeoutSeconds: 10,
  mediaHangupSeconds: 60,
  openExternalAllowList: [],
};
