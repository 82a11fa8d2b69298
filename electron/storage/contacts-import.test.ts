import { describe, expect, it } from 'vitest';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ENTRIES } from '../../shared/domain/contacts.js';
import { parseContactFile, type ParsedImport } from './contacts-import.js';

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;

function imported(result: ParsedImport) {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result;
}

// The examples of RFC 2426 (vCard 3.0), section 7, as published: lower-case "vCard", folded ADR lines.
const RFC_2426_SAMPLE = crlf([
  'BEGIN:vCard',
  'VERSION:3.0',
  'FN:Frank Dawson',
  'ORG:Lotus Development Corporation',
  'ADR;TYPE=WORK,POSTAL,PARCEL:;;6544 Battleford Drive',
  ' ;Raleigh;NC;27613-3502;U.S.A.',
  'TEL;TYPE=VOICE,MSG,WORK:+1-919-676-9515',
  'TEL;TYPE=FAX,WORK:+1-919-676-9564',
  'EMAIL;TYPE=INTERNET,PREF:Frank_Dawson@Lotus.com',
  'EMAIL;TYPE=INTERNET:fdawson@earthlink.net',
  'URL:http://home.earthlink.net/~fdawson',
  'END:vCard',
  '',
  'BEGIN:vCard',
  'VERSION:3.0',
  'FN:Tim Howes',
  'ORG:Netscape Communications Corp.',
  'ADR;TYPE=WORK:;;501 E. Middlefield Rd.;Mountain View;',
  ' CA; 94043;U.S.A.',
  'TEL;TYPE=VOICE,MSG,WORK:+1-415-937-3419',
  'TEL;TYPE=FAX,WORK:+1-415-528-4164',
  'EMAIL;TYPE=INTERNET:howes@netscape.com',
  'END:vCard',
]);

// The example of RFC 6350 (vCard 4.0), section 8: tel: URIs with extensions, structured N, folded KEY.
const RFC_6350_SAMPLE = crlf([
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:Simon Perreault',
  'N:Perreault;Simon;;;ing. jr,M.Sc.',
  'BDAY:--0203',
  'ANNIVERSARY:20090808T1430-0500',
  'GENDER:M',
  'LANG;PREF=1:fr',
  'LANG;PREF=2:en',
  'ORG;TYPE=work:Viagenie',
  'ADR;TYPE=work:;Suite D2-630;2875 Laurier;',
  ' Quebec;QC;G1V 2M2;Canada',
  'TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+1-418-656-9254;ext=102',
  'TEL;VALUE=uri;TYPE="work,cell,voice,video,text":tel:+1-418-262-6501',
  'EMAIL;TYPE=work:simon.perreault@viagenie.ca',
  'GEO;TYPE=work:geo:46.772673,-71.282945',
  'KEY;TYPE=work;VALUE=uri:',
  ' http://www.viagenie.ca/simon.perreault/simon.asc',
  'TZ:-0500',
  'URL;TYPE=home:http://nomis80.org',
  'END:VCARD',
]);

// What macOS Contacts exports (vCard 3.0): grouped labels, escaped newlines, a folded photo, umlauts.
const APPLE_SAMPLE = crlf([
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//macOS 14.0//EN',
  'N:Müller;Jürgen;;;',
  'FN:Jürgen Müller',
  'ORG:Müller & Söhne KG;',
  'TEL;type=CELL;type=VOICE;type=pref:+49 171 2345678',
  'item1.TEL;type=pref:030 98765432',
  'item1.X-ABLabel:Büro',
  'EMAIL;type=INTERNET;type=HOME;type=pref:juergen@example.de',
  'NOTE:Kennt man aus dem Verein.\\nBitte duzen\\, gerne.',
  'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgK',
  '  CgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQ',
  'END:VCARD',
]);

describe('vCard import (ical.js)', () => {
  it('reads the RFC 2426 vCard 3.0 examples, leaving out fax numbers', () => {
    const result = imported(parseContactFile('vcard', RFC_2426_SAMPLE));
    expect(result.problems).toEqual([]);
    expect(result.entries).toEqual([
      {
        entry: 1,
        contact: {
          name: 'Frank Dawson',
          organisation: 'Lotus Development Corporation',
          numbers: [{ label: 'work', number: '+1-919-676-9515' }],
          email: 'Frank_Dawson@Lotus.com',
          note: '',
          favourite: false,
        },
      },
      {
        entry: 2,
        contact: {
          name: 'Tim Howes',
          organisation: 'Netscape Communications Corp.',
          numbers: [{ label: 'work', number: '+1-415-937-3419' }],
          email: 'howes@netscape.com',
          note: '',
          favourite: false,
        },
      },
    ]);
  });

  it('reads the RFC 6350 vCard 4.0 example with tel: URIs', () => {
    const [simon] = imported(parseContactFile('vcard', RFC_6350_SAMPLE)).entries;
    expect(simon?.contact).toMatchObject({
      name: 'Simon Perreault',
      organisation: 'Viagenie',
      email: 'simon.perreault@viagenie.ca',
      numbers: [
        { label: 'work', number: '+1-418-656-9254' },
        { label: 'mobile', number: '+1-418-262-6501' },
      ],
    });
  });

  it('reads an Apple Contacts export: grouped labels, escapes, umlauts, a photo it ignores', () => {
    const [jurgen] = imported(parseContactFile('vcard', APPLE_SAMPLE)).entries;
    expect(jurgen?.contact).toEqual({
      name: 'Jürgen Müller',
      organisation: 'Müller & Söhne KG',
      numbers: [
        { label: 'mobile', number: '+49 171 2345678' },
        { label: 'work', number: '030 98765432' },
      ],
      email: 'juergen@example.de',
      note: 'Kennt man aus dem Verein.\nBitte duzen, gerne.',
      favourite: false,
    });
  });

  it('unfolds names, builds a missing FN from N or ORG, and reads SIP addresses', () => {
    const text = [
      crlf([
        'BEGIN:VCARD',
        'VERSION:4.0',
        'FN:Maximilian Alexander von',
        '  Musterhausen',
        'TEL:+49 89 1',
        'END:VCARD',
      ]),
      crlf(['BEGIN:VCARD', 'VERSION:3.0', 'N:Schmidt;Anna;Maria;Dr.;', 'TEL;TYPE=HOME:089 22', 'END:VCARD']),
      crlf(['BEGIN:VCARD', 'VERSION:4.0', 'ORG:Hotline GmbH', 'TEL;TYPE=work:0800 123', 'END:VCARD']),
      crlf([
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Zoë',
        'IMPP;TYPE=work:sip:zoe@example.eu',
        'X-SIP:desk@example.eu',
        'IMPP:xmpp:zoe@example.eu',
        'END:VCARD',
      ]),
    ].join('');
    const result = imported(parseContactFile('vcard', text.replace(/\r\n/g, '\n')));
    expect(result.entries.map((e) => [e.contact.name, e.contact.numbers])).toEqual([
      ['Maximilian Alexander von Musterhausen', [{ label: 'other', number: '+49 89 1' }]],
      ['Dr. Anna Maria Schmidt', [{ label: 'home', number: '089 22' }]],
      ['Hotline GmbH', [{ label: 'work', number: '0800 123' }]],
      [
        'Zoë',
        [
          { label: 'work', number: 'sip:zoe@example.eu' },
          { label: 'other', number: 'sip:desk@example.eu' },
        ],
      ],
    ]);
  });

  it('skips cards without a name or a number, old versions and broken cards, and keeps the rest', () => {
    const text = [
      crlf(['BEGIN:VCARD', 'VERSION:3.0', 'FN:Nur Name', 'EMAIL:nur@example.de', 'END:VCARD']),
      crlf(['BEGIN:VCARD', 'VERSION:3.0', 'TEL:030 1234', 'END:VCARD']),
      crlf(['BEGIN:VCARD', 'VERSION:1.0', 'N:Müller;Hans', 'TEL:0171', 'END:VCARD']),
      crlf(['BEGIN:VCARD', 'VERSION:4.0', 'FN:Kaputt', 'this line has no colon', 'TEL:1', 'END:VCARD']),
      crlf(['BEGIN:VCARD', 'VERSION:4.0', 'FN:Gut', 'TEL:030 5555', 'TEL:n/a', 'END:VCARD']),
      crlf(['BEGIN:VCARD', 'VERSION:4.0', `FN:${'x'.repeat(300)}`, 'TEL:030 5555', 'END:VCARD']),
      'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ohne Ende\r\nTEL:1\r\n',
    ].join('');
    const result = imported(parseContactFile('vcard', text));
    expect(result.entries.map((e) => [e.entry, e.contact.name, e.contact.numbers])).toEqual([
      [5, 'Gut', [{ label: 'other', number: '030 5555' }]],
    ]);
    expect(result.problems).toEqual([
      { entry: 1, reason: 'no-number' },
      { entry: 2, reason: 'no-name' },
      { entry: 3, reason: 'unsupported-version' },
      { entry: 4, reason: 'unreadable' },
      { entry: 6, reason: 'invalid' },
      { entry: 7, reason: 'unreadable' },
    ]);
  });

  it('skips a card whose number hides control or format characters, and says why', () => {
    const text = [
      crlf(['BEGIN:VCARD', 'VERSION:4.0', 'FN:Umgeleitet', 'TEL:\u202E+49 30 1234567', 'END:VCARD']),
      crlf(['BEGIN:VCARD', 'VERSION:4.0', 'FN:Kodiert', 'TEL:sip:%E2%80%AEboss@example.eu', 'END:VCARD']),
      crlf(['BEGIN:VCARD', 'VERSION:4.0', 'FN:Sauber', 'TEL:+49 30 7654321', 'END:VCARD']),
    ].join('');
    const result = imported(parseContactFile('vcard', text));
    expect(result.entries.map((e) => e.contact.name)).toEqual(['Sauber']);
    expect(result.problems).toEqual([
      { entry: 1, reason: 'hidden-characters' },
      { entry: 2, reason: 'hidden-characters' },
    ]);
  });

  it('reads an Outlook vCard 2.1 export: quoted-printable, CHARSET, bare types, soft line breaks, a photo', () => {
    const text = [
      crlf([
        'BEGIN:VCARD',
        'VERSION:2.1',
        'N;LANGUAGE=de;CHARSET=Windows-1252:Weißenböck;Jürgen',
        'FN;CHARSET=Windows-1252:Jürgen Weißenböck',
        'ORG;CHARSET=Windows-1252:Müller & Söhne;Einkauf',
        'TEL;WORK;VOICE:+49 221 123456',
        'TEL;CELL;VOICE:0171 2345678',
        'TEL;WORK;FAX:+49 221 123499',
        // Windows-1252 bytes, no CHARSET: 0xFC is ü.
        'NOTE;ENCODING=QUOTED-PRINTABLE:R=FCckruf bitte vormittags=0D=0AZweite Zeile',
        'EMAIL;PREF;INTERNET:j.weissenboeck@example.de',
        'PHOTO;TYPE=JPEG;ENCODING=BASE64:',
        ' /9j/4AAQSkZJRgABAQEASABIAAD/',
        ' 2wBDAAMCAgICAgMCAgIDAwMDBAYE',
        '',
        'END:VCARD',
      ]),
      crlf([
        'BEGIN:VCARD',
        'VERSION:2.1',
        'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Hans;;;',
        'TEL;HOME;QUOTED-PRINTABLE:030 =',
        '1234567',
        'NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Sehr lange Notiz, die an einer weichen Stelle =',
        'umbrochen wurde',
        'X-SIP;WORK:hans@sip.example.de',
        'END:VCARD',
      ]),
    ].join('');
    const result = imported(parseContactFile('vcard', text));
    expect(result.problems).toEqual([]);
    expect(result.entries.map((e) => e.contact)).toEqual([
      {
        name: 'Jürgen Weißenböck',
        organisation: 'Müller & Söhne, Einkauf',
        numbers: [
          { label: 'work', number: '+49 221 123456' },
          { label: 'mobile', number: '0171 2345678' },
        ],
        email: 'j.weissenboeck@example.de',
        note: 'Rückruf bitte vormittags\nZweite Zeile',
        favourite: false,
      },
      {
        name: 'Hans Müller',
        organisation: '',
        numbers: [
          { label: 'home', number: '030 1234567' },
          { label: 'work', number: 'sip:hans@sip.example.de' },
        ],
        email: '',
        note: 'Sehr lange Notiz, die an einer weichen Stelle umbrochen wurde',
        favourite: false,
      },
    ]);
  });

  it('refuses files that are not vCards, empty, binary, too large or too long', () => {
    const refused = (text: string) => parseContactFile('vcard', text);
    expect(refused('Name,Phone\nErika,030 1\n')).toEqual({ ok: false, reason: 'not-vcard' });
    expect(refused('')).toEqual({ ok: false, reason: 'empty' });
    expect(refused('\ufeff \r\n')).toEqual({ ok: false, reason: 'empty' });
    const png = String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d);
    expect(refused(`${png}BEGIN:VCARD\r\n`)).toEqual({ ok: false, reason: 'binary' });
    expect(refused('\ufffd\u0003\u0001'.repeat(50) + RFC_6350_SAMPLE)).toEqual({
      ok: false,
      reason: 'binary',
    });
    expect(refused(RFC_6350_SAMPLE + 'x'.repeat(IMPORT_MAX_BYTES))).toEqual({
      ok: false,
      reason: 'too-large',
    });
    const card = crlf(['BEGIN:VCARD', 'VERSION:4.0', 'FN:A', 'TEL:1', 'END:VCARD']);
    expect(refused(card.repeat(IMPORT_MAX_ENTRIES + 1))).toEqual({ ok: false, reason: 'too-many' });
    expect(imported(refused(card.repeat(IMPORT_MAX_ENTRIES))).entries).toHaveLength(IMPORT_MAX_ENTRIES);
  });
});

describe('CSV import (csv-parse)', () => {
  it('reads a Google Contacts export, several numbers per cell included', () => {
    const csv = [
      'First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value',
      'Erika,,Mustermann,,,,,,,,Beispiel GmbH,Vertrieb,,,"Mag Kaffee, schwarz.\nOhne Zucker.",,* myContacts,* Work,erika@example.de,Mobile,+49 170 1234567 ::: +49 170 7654321,Work,030 1234567',
      ',,,,,,,,,,Nur Firma AG,,,,,,* myContacts,,,Work,0800 100200,,',
    ].join('\n');
    const result = imported(parseContactFile('csv', csv));
    expect(result.problems).toEqual([]);
    expect(result.entries.map((e) => e.contact)).toEqual([
      {
        name: 'Erika Mustermann',
        organisation: 'Beispiel GmbH',
        numbers: [
          { label: 'mobile', number: '+49 170 1234567' },
          { label: 'mobile', number: '+49 170 7654321' },
          { label: 'work', number: '030 1234567' },
        ],
        email: 'erika@example.de',
        note: 'Mag Kaffee, schwarz.\nOhne Zucker.',
        favourite: false,
      },
      {
        name: 'Nur Firma AG',
        organisation: 'Nur Firma AG',
        numbers: [{ label: 'work', number: '0800 100200' }],
        email: '',
        note: '',
        favourite: false,
      },
    ]);
  });

  it('reads the older Google format with "Name" and "Phone 1 - Type"', () => {
    const csv = [
      'Name,Given Name,Additional Name,Family Name,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Organization 1 - Type,Organization 1 - Name',
      'Hans Meier,Hans,,Meier,,* My Contacts,* Home,hans@example.ch,Home,+41 44 123 45 67,Work Fax,+41 44 123 45 68,,Meier AG',
    ].join('\r\n');
    expect(imported(parseContactFile('csv', csv)).entries[0]?.contact).toMatchObject({
      name: 'Hans Meier',
      organisation: 'Meier AG',
      email: 'hans@example.ch',
      numbers: [{ label: 'home', number: '+41 44 123 45 67' }],
    });
  });

  it('reads an Outlook export (English, comma, quoted)', () => {
    const csv = [
      '"First Name","Middle Name","Last Name","Title","Suffix","Company","Department","Job Title","Business Phone","Business Phone 2","Business Fax","Home Phone","Mobile Phone","Notes","E-mail Address","E-mail Type","E-mail Display Name"',
      '"John","Q.","Public","Mr.","","Contoso, Ltd.","Sales","Manager","+1 (425) 555-0100","","+1 (425) 555-0199","","(425) 555-0123","Prefers ""email"" first","john@contoso.com","SMTP","John Public (john@contoso.com)"',
    ].join('\r\n');
    expect(imported(parseContactFile('csv', csv)).entries[0]?.contact).toEqual({
      name: 'John Q. Public',
      organisation: 'Contoso, Ltd.',
      numbers: [
        { label: 'work', number: '+1 (425) 555-0100' },
        { label: 'mobile', number: '(425) 555-0123' },
      ],
      email: 'john@contoso.com',
      note: 'Prefers "email" first',
      favourite: false,
    });
  });

  it('reads numbers that a spreadsheet export protected against formulas, such as our own export', () => {
    const csv = ['Name;Mobile Phone', "Erika Mustermann;'+49 170 7654321"].join('\r\n');
    expect(imported(parseContactFile('csv', csv)).entries[0]?.contact.numbers).toEqual([
      { label: 'mobile', number: '+49 170 7654321' },
    ]);
  });

  it('reads a German Outlook export: semicolons, BOM, German headers', () => {
    const csv =
      '\ufeff"Anrede";"Vorname";"Weitere Vornamen";"Nachname";"Suffix";"Firma";"Abteilung";"Position";"Straße geschäftlich";"Telefon geschäftlich";"Telefon geschäftlich 2";"Fax geschäftlich";"Telefon privat";"Mobiltelefon";"E-Mail-Adresse";"E-Mail-Typ";"Notizen"\r\n' +
      '"Frau";"Gabriele";"";"Schäfer";"";"Schäfer & Co. KG";"Einkauf";"Leitung";"Hauptstr. 1";"0221 123456";"";"0221 123499";"0221 654321";"0160 1234567";"g.schaefer@example.de";"SMTP";"Rückruf; bitte vormittags"\r\n' +
      '"";"";"";"";"";"";"";"";"";"";"";"";"";"";"leer@example.de";"SMTP";""\r\n';
    const result = imported(parseContactFile('csv', csv));
    expect(result.entries[0]?.contact).toEqual({
      name: 'Gabriele Schäfer',
      organisation: 'Schäfer & Co. KG',
      numbers: [
        { label: 'work', number: '0221 123456' },
        { label: 'home', number: '0221 654321' },
        { label: 'mobile', number: '0160 1234567' },
      ],
      email: 'g.schaefer@example.de',
      note: 'Rückruf; bitte vormittags',
      favourite: false,
    });
    expect(result.problems).toEqual([{ entry: 2, reason: 'no-name' }]);
  });

  it('reads a Thunderbird export and a tab-separated file', () => {
    const thunderbird = [
      'First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number',
      'Lena,Vogel,Lena V.,,lena@example.org,,,+49 40 111,,,,',
      'Ohne,Nummer,,,,,,,,,,',
    ].join('\n');
    const result = imported(parseContactFile('csv', thunderbird));
    expect(result.entries.map((e) => [e.contact.name, e.contact.numbers])).toEqual([
      ['Lena V.', [{ label: 'work', number: '+49 40 111' }]],
    ]);
    expect(result.problems).toEqual([{ entry: 2, reason: 'no-number' }]);
    const tabs = 'Name\tMobile Phone\nTab Person\t0171 999\n';
    expect(imported(parseContactFile('csv', tabs)).entries[0]?.contact.name).toBe('Tab Person');
  });

  it('refuses files without name or phone columns, broken quoting, vCards and empty tables', () => {
    expect(parseContactFile('csv', 'Name,E-mail Address\nA,a@example.de\n')).toEqual({
      ok: false,
      reason: 'no-columns',
    });
    expect(parseContactFile('csv', 'just one line of prose without any separator')).toEqual({
      ok: false,
      reason: 'no-columns',
    });
    expect(parseContactFile('csv', 'Name,Mobile Phone\n"Erika,0170 1\nMax,0171 2\n')).toEqual({
      ok: false,
      reason: 'not-csv',
    });
    expect(parseContactFile('csv', RFC_6350_SAMPLE)).toEqual({ ok: false, reason: 'not-csv' });
    expect(parseContactFile('csv', 'Name,Mobile Phone\r\n')).toEqual({
      ok: false,
      reason: 'nothing-to-import',
    });
    expect(parseContactFile('csv', '\u0000\u0001PK\u0003\u0004')).toEqual({ ok: false, reason: 'binary' });
  });
});
