/**
 * Unicode control (Cc) and format (Cf) characters: a bell, a right-to-left override (U+202E), zero-width
 * joiners and marks. In a dial target they hide or reorder what the person sees from what is dialled,
 * so a target that holds one, also percent-encoded (`sip:%E2%80%AEalice@…`), is refused wherever it comes
 * from: typed, pasted, a link, a contact.
 */
const HIDDEN = /[\p{Cc}\p{Cf}]/u;

/** Percent-decoded as far as it decodes (a malformed escape is left as it is). */
function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text) || HIDDEN.test(percentDecoded(text));
}
