import { describe, expect, it } from 'vitest';
import { vcard21To30 } from './vcard21.js';

describe('vcard21To30', () => {
  it('writes 2.1 lines as 3.0: types named, QP decoded, commas escaped, binary content dropped', () => {
    const card = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'item1.TEL;PREF;CELL;VOICE:0171 2345678',
      'NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Stra=DFe 1,, Hof=0D=0Alinks',
      'ADR;WORK:;;Hauptstr. 1;K=F6ln;;50667;DE',
      'LOGO;BASE64:',
      ' iVBORw0KGgo=',
      '',
      'END:VCARD',
    ].join('\r\n');
    expect(vcard21To30(card).split('\r\n')).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'item1.TEL;TYPE=PREF,CELL,VOICE:0171 2345678',
      'NOTE:Straße 1\\,\\, Hof\\nlinks',
      // Not quoted-printable: the value stays as the file's text had it.
      'ADR;TYPE=WORK:;;Hauptstr. 1;K=F6ln;;50667;DE',
      'END:VCARD',
    ]);
  });
});
