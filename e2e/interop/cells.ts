/**
 * Cells of the interop matrix, declared by the tests that check them as static annotations
 * (INTERFACES.md): `{ type: 'interop', description: 'PEER | FEATURE | DIRECTION' }`. A cell the peer does
 * not support is declared with `interop-unsupported` and a fourth field, why.
 */
export const CELL_ANNOTATION = 'interop';
export const UNSUPPORTED_ANNOTATION = 'interop-unsupported';

/** Who calls whom: the app the peer, the peer the app, or '-' where no call direction applies. */
export type Direction = 'app calls' | 'peer calls' | '-';
export type CellStatus = 'pass' | 'fail' | 'not run' | 'unsupported';

export interface CellKey {
  peer: string;
  feature: string;
  direction: string;
}

export function cell(peer: string, feature: string, direction: Direction) {
  return { type: CELL_ANNOTATION, description: `${peer} | ${feature} | ${direction}` };
}

export function unsupported(peer: string, feature: string, direction: Direction, why: string) {
  return { type: UNSUPPORTED_ANNOTATION, description: `${peer} | ${feature} | ${direction} | ${why}` };
}

/** The cell an annotation's description names (and, for an unsupported one, why); null when malformed. */
export function parseCell(description: string): { key: CellKey; reason?: string } | null {
  const [peer, feature, direction, ...why] = description.split('|').map((part) => part.trim());
  if (!peer || !feature || !direction) return null;
  return { key: { peer, feature, direction }, ...(why.length > 0 && { reason: why.join(' | ') }) };
}

/** The cells of one call with a phone, in the order the matrix specs check them (a step each). */
export const CALL_FEATURES = [
  'connect',
  'audio both ways',
  'DTMF',
  'hold by app',
  'hold by peer',
  'far-end hang-up',
] as const;
