import { AsnConvert } from '@peculiar/asn1-schema';
import {
  anyExtendedKeyUsage,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_ce_subjectAltName,
  id_kp_serverAuth,
  KeyUsage,
  KeyUsageFlags,
  NameConstraints,
  SubjectAlternativeName,
  type GeneralSubtrees,
} from '@peculiar/asn1-x509';
import type { X509Certificate } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/** Which RFC 5280 constraint a path to an extra CA from policy breaks. */
export type PathProblem = 'extended-key-usage' | 'key-usage' | 'path-length' | 'name-constraints';

interface Extensions {
  extendedKeyUsage: string[] | null;
  keyUsage: number | null;
  pathLength: number | null;
  nameConstraints: NameConstraints | null;
  dnsNames: string[];
  ipAddresses: string[];
}

function extensionsOf(certificate: X509Certificate): Extensions {
  const parsed = AsnConvert.parse(certificate.raw, Certificate);
  const found: Extensions = {
    extendedKeyUsage: null,
    keyUsage: null,
    pathLength: null,
    nameConstraints: null,
    dnsNames: [],
    ipAddresses: [],
  };
  for (const extension of parsed.tbsCertificate.extensions ?? []) {
    const value = extension.extnValue.buffer;
    switch (extension.extnID) {
      case id_ce_extKeyUsage:
        found.extendedKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)];
        break;
      case id_ce_keyUsage:
        found.keyUsage = AsnConvert.parse(value, KeyUsage).toNumber();
        break;
      case id_ce_basicConstraints:
        found.pathLength = AsnConvert.parse(value, BasicConstraints).pathLenConstraint ?? null;
        break;
      case id_ce_nameConstraints:
        found.nameConstraints = AsnConvert.parse(value, NameConstraints);
        break;
      case id_ce_subjectAltName:
        for (const name of AsnConvert.parse(value, SubjectAlternativeName)) {
          if (name.dNSName !== undefined) found.dnsNames.push(name.dNSName.toLowerCase());
          if (name.iPAddress !== undefined) found.ipAddresses.push(name.iPAddress);
        }
        break;
    }
  }
  return found;
}

/** RFC 5280 4.2.1.10: `example.eu` covers itself and its subdomains, `.example.eu` only the subdomains. */
function dnsWithin(name: string, constraint: string): boolean {
  const base = constraint.toLowerCase();
  if (base.startsWith('.')) return name.endsWith(base);
  return name === base || name.endsWith(`.${base}`);
}

function ipWithin(address: string, constraint: string): boolean {
  const [network, prefix] = constraint.split('/');
  const family = isIP(network ?? '');
  if (family === 0 || isIP(address) !== family || prefix === undefined) return false;
  const list = new BlockList();
  list.addSubnet(network!, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Whether the names of the certificates below a constraining CA stay within its name constraints: every
 * DNS name and IP address in permitted subtrees of its kind (when there are any), none in an excluded
 * one. Constraints of another kind (directory names, e-mail, URIs) are not understood here, so they
 * refuse the path (fail closed) rather than be ignored.
 */
function withinNameConstraints(constraints: NameConstraints, below: readonly Extensions[]): boolean {
  const subtrees = (list: GeneralSubtrees | undefined) => [...(list ?? [])].map((subtree) => subtree.base);
  const permitted = subtrees(constraints.permittedSubtrees);
  const excluded = subtrees(constraints.excludedSubtrees);
  if ([...permitted, ...excluded].some((name) => name.dNSName === undefined && name.iPAddress === undefined))
    return false;
  const permittedDns = permitted.flatMap((name) => (name.dNSName === undefined ? [] : [name.dNSName]));
  const permittedIp = permitted.flatMap((name) => (name.iPAddress === undefined ? [] : [name.iPAddress]));
  for (const { dnsNames, ipAddresses } of below) {
    for (const dns of dnsNames) {
      if (permittedDns.length > 0 && !permittedDns.some((base) => dnsWithin(dns, base))) return false;
      if (excluded.some((name) => name.dNSName !== undefined && dnsWithin(dns, name.dNSName))) return false;
    }
    for (const ip of ipAddresses) {
      if (permittedIp.length > 0 && !permittedIp.some((base) => ipWithin(ip, base))) return false;
      if (excluded.some((name) => name.iPAddress !== undefined && ipWithin(ip, name.iPAddress))) return false;
    }
  }
  return true;
}

const usableForTls = (eku: string[] | null) =>
  eku === null || eku.includes(id_kp_serverAuth) || eku.includes(anyExtendedKeyUsage);

/**
 * The constraints a path from a server certificate to an extra CA from policy must meet, beyond signatures,
 * CA flags and dates (electron/net/certificate-decision.ts), as Chromium checks them for public roots:
 * - extended key usage: where a certificate of the path names purposes, TLS server authentication is one;
 * - key usage: where named, the server's key may sign (or encipher keys), each CA's key may sign certificates;
 * - path length: no CA has more CAs below it than its `pathLenConstraint` allows;
 * - name constraints: the server's names lie within what each CA above it permits, outside what it excludes.
 * `path` runs from the leaf to the anchor; null when every constraint holds.
 */
export function pathProblem(path: readonly X509Certificate[]): PathProblem | null {
  const extensions = path.map(extensionsOf);
  if (!extensions.every((certificate) => usableForTls(certificate.extendedKeyUsage)))
    return 'extended-key-usage';
  const [leaf, ...cas] = extensions;
  const signs = KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment;
  if (leaf!.keyUsage !== null && (leaf!.keyUsage & signs) === 0) return 'key-usage';
  if (cas.some((ca) => ca.keyUsage !== null && (ca.keyUsage & KeyUsageFlags.keyCertSign) === 0))
    return 'key-usage';
  // The CA at path[i] has i - 1 CAs below it (path[1..i-1]); self-issued ones are rare in such paths.
  for (const [index, ca] of cas.entries())
    if (ca.pathLength !== null && index > ca.pathLength) return 'path-length';
  for (const [index, ca] of cas.entries())
    if (ca.nameConstraints && !withinNameConstraints(ca.nameConstraints, extensions.slice(0, index + 1)))
      return 'name-constraints';
  return null;
}
