import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * A SIP address as people read it: a phone number in the national form of the default country (else
 * international), an extension as its digits, another address as name@domain (the domain left out when it
 * is the account's own).
 */
export function formatAddress(uri: string, country: string, ownDomain = ''): string {
  const match = /^(?:sips?:|tel:)?([^@;>]+)(?:@([^;>?]+))?/i.exec(uri.trim());
  if (!match) return uri;
  let user: string;
  try {
    user = decodeURIComponent(match[1]!);
  } catch {
    user = match[1]!;
  }
  const host = match[2]?.replace(/:\d+$/, '') ?? '';
  if (/^\+?[\d]{7,}$/.test(user)) {
    const number = parsePhoneNumberFromString(user, country as CountryCode);
    if (number?.isValid())
      return number.country === country ? number.formatNational() : number.formatInternational();
    return user;
  }
  return host && host.toLowerCase() !== ownDomain.toLowerCase() ? `${user}@${host}` : user;
}

export interface Party {
  /** Who it is: the contact's name, else the name the far end sent, else the address. */
  title: string;
  /** The address under a name; null when the title is the address. */
  address: string | null;
}

export function partyOf(
  uri: string,
  names: { contact: string | null; display: string | null },
  country: string,
  ownDomain = '',
): Party {
  const address = formatAddress(uri, country, ownDomain);
  const name = names.contact ?? names.display;
  return name && name !== address ? { title: name, address } : { title: address, address: null };
}
