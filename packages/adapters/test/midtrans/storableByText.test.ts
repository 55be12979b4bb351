/**
 * The text check that spares most lines the storable-JSON walk: whenever it settles a text as
 * storable, the exact walk over the parsed value agrees, and parseReplayLine's verdict is always the
 * walk's, whatever JSON text (hostile strings, every escape spelling, raw surrogates, depth) it gets.
 */
import * as fc from 'fast-check';
import { parseReplayLine, toObservation } from '../../src/midtrans/mapping';
import { MAX_JSON_DEPTH, storableByText, unstorableReason } from '../../src/midtrans/unstorable';
import { chargeResponse, cardOrder, notificationPayload } from '../../src/midtrans/fixtures';

const KEY = 'SB-Mid-server-TEXTCHECK';

/** Code units that matter here, mixed with any code unit at all. */
const unit = fc.oneof(
  fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D\uDE00', '"', '\\', '{', '[', ']', '}', 'u', '0', 'd', 'D', 'a'),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
);
const hostileString = fc.string({ unit, maxLength: 12 });

const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { maxDepth: 6, depthSize: 'small' },
    hostileString,
    fc.constantFrom(null, true, false, 0, -1.5, 1e21),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('v'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).v;

/** A value wrapped in `levels` arrays or objects, so depths on both sides of the limit occur. */
const deep = fc.tuple(value, fc.integer({ min: 0, max: MAX_JSON_DEPTH + 4 }), fc.boolean()).map(([v, levels, arrays]) => {
  let out = v;
  for (let i = 0; i < levels; i++) out = arrays ? [out] : { n: out };
  return out;
});

/** A tiny deterministic generator, so one seed picks every spelling choice of one text. */
const chooser = (seed: number) => {
  let s = seed >>> 0 || 1;
  return (n: number): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
};

const hex4 = (c: number, upper: boolean): string => {
  const h = c.toString(16).padStart(4, '0');
  return upper ? h.toUpperCase() : h;
};

/** JSON text for `v`, each character spelled raw or as a `\u` escape (either case) where JSON allows both. */
const spell = (v: unknown, pick: (n: number) => number): string => {
  const str = (s: string): string => {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const choice = pick(4);
      if (c < 0x20 || choice === 0) out += `\\u${hex4(c, false)}`;
      else if (choice === 1) out += `\\u${hex4(c, true)}`;
      else if (c === 0x22 || c === 0x5c) out += `\\${s[i]}`;
      else out += s[i];
    }
    return out + '"';
  };
  const ws = () => [' ', '', '\n', ''][pick(4)];
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => spell(x, pick)).join(`,${ws()}`)}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v).map(([k, x]) => `${ws()}${str(k)}:${ws()}${spell(x, pick)}`).join(',')}}`;
  }
  return JSON.stringify(v);
};

describe('storableByText', () => {
  test('settles ordinary bodies without a walk, and leaves every hostile spelling to the walk', () => {
    const line = JSON.stringify(chargeResponse(cardOrder('text', 1, KEY)));
    expect(storableByText(line)).toBe(true);
    expect(storableByText(JSON.stringify({ kind: 'notification', payload: notificationPayload(cardOrder('text', 2, KEY), 'capture') }))).toBe(true);
    for (const t of ['"a\\u0000b"', '"\\uD800"', '"\\udfff"', '"\\ud83d\\ude00"', '"\uD800"', '"\\\\u0000"', '['.repeat(33) + ']'.repeat(33)]) {
      expect(storableByText(t)).toBe(false);
    }
    expect(storableByText('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(true);
    expect(storableByText('"\uD83D\uDE00 東京"')).toBe(true);
  });

  test('property: a text it settles is one the walk accepts, and parseReplayLine always decides as the walk does', () => {
    const seen = { settled: 0, walkedOk: 0, rejected: 0 };
    fc.assert(
      fc.property(deep, fc.integer(), (v, seed) => {
        const text = spell(v, chooser(seed));
        const parsed: unknown = JSON.parse(text);
        expect(parsed).toStrictEqual(v);
        const walk = unstorableReason(parsed);
        if (storableByText(text)) {
          expect(walk).toBeUndefined();
          seen.settled++;
        } else seen[walk === undefined ? 'walkedOk' : 'rejected']++;
        // Through the whole mapping: the line's text gives the same observation as its parsed value.
        const lineText = `{"kind":"notification","payload":{"order_id":"o-1","extra":${text}}}`;
        const line: unknown = JSON.parse(lineText);
        expect(parseReplayLine(lineText, { serverKey: KEY })).toStrictEqual(toObservation(line, { serverKey: KEY }));
      }),
      { numRuns: 1500 },
    );
    // Each kind of case really occurred: settled by the text, walked and kept, walked and refused.
    // (About 45%, 1.5% and 53% of the runs.)
    expect(Math.min(seen.settled, seen.rejected)).toBeGreaterThan(300);
    expect(seen.walkedOk).toBeGreaterThan(5);
  });

  test('property: also for texts with raw lone surrogates, which no JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.array(hostileString, { maxLength: 5 }), (strings) => {
        const text = `[${strings.map((s) => `"${s.replace(/[\\"\u0000-\u001f]/g, (c) => `\\u${hex4(c.charCodeAt(0), false)}`)}"`).join(',')}]`;
        const parsed: unknown = JSON.parse(text);
        expect(parsed).toStrictEqual(strings);
        if (storableByText(text)) expect(unstorableReason(parsed)).toBeUndefined();
        if (/[\uD800-\uDFFF]/.test(text) && !(text as { isWellFormed?: () => boolean }).isWellFormed?.()) expect(storableByText(text)).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });
});
