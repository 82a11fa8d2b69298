/** The app's screens; every one but sign-in is reached from the navigation (by `#name`). */
export const screens = [
  'signIn',
  'phone',
  'history',
  'contacts',
  'settings',
  'security',
  'policy',
  'audit',
] as const;
export type Screen = (typeof screens)[number];
export type NavScreen = Exclude<Screen, 'signIn'>;

export const navScreens = screens.filter((screen): screen is NavScreen => screen !== 'signIn');
