/// <reference types="jest" />
/** The contract: event data round-trip as JSON. */
import type { ContractContext } from './contractContext';
import { right, left, ev } from './contractHelpers';

export const describeData = ({ store }: ContractContext): void => {
  describe('data', () => {
    test('nested JSON with unicode and big integers as strings round-trips exactly', async () => {
      const s = store();
      const data = {
        order_id: 'ORD-2024-0001',
        gross_amount: '123456789012345678901234567890.00',
        big: ['9007199254740993', '-18446744073709551616'],
        text: 'Rp 10.000 — 東京 🚀 café (cafe\u0301) \u0000 "quoted" back\\slash\nnewline\ttab',
        nested: { deeper: { deepest: [1, 2.5, -3, 0.1, 1e21, null, true, false, {}, []] } },
        empty: '',
        '键 🔑': 'value',
      };
      const samples: unknown[] = [data, [1, 'two', { three: 3 }], 'just a string', 42, null, true];
      const appended = await right(
        s.appendToStream('s', samples.map((d, i) => ev(`T${i}`, d)), { expectedVersion: 0 }),
      );
      expect(appended.events.map((e) => e.data)).toEqual(samples);
      expect((await right(s.readStream('s'))).events.map((e) => e.data)).toEqual(samples);
      expect((await right(s.readAll({}))).map((e) => e.data)).toEqual(samples);
      const stored = (await right(s.readStream('s'))).events[0]?.data as typeof data;
      expect(stored.text).toBe(data.text);
      expect(Object.keys(stored)).toEqual(Object.keys(data));
    });

    test('an append answers with the events as they are stored, not with the objects it was given', async () => {
      const s = store();
      const data = { a: { b: [1, 2] }, dropped: undefined as unknown };
      const appended = await right(s.appendToStream('s', [ev('T', data)], { expectedVersion: 0 }));
      data.a.b.push(3);
      const [read] = (await right(s.readStream('s'))).events;
      expect(appended.events[0]?.data).toStrictEqual({ a: { b: [1, 2] } });
      expect({ ...appended.events[0] }).toStrictEqual({ ...read });
      expect(JSON.parse(JSON.stringify(appended.events))).toEqual(JSON.parse(JSON.stringify([read])));
    });

    test('data JSON cannot represent is refused and nothing is stored', async () => {
      const s = store();
      const cyclic: { self?: unknown } = {};
      cyclic.self = cyclic;
      for (const data of [10n, undefined, () => 1, cyclic]) {
        const err = await left(s.appendToStream('s', [ev('A'), { type: 'B', data }], { expectedVersion: 0 }));
        expect(err._tag).toBe('InvalidArgument');
      }
      expect(await right(s.readAll({}))).toEqual([]);
    });
  });
};
