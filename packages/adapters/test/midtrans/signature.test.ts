import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { signNotification, signatureKey, verifySignature } from '../../src/midtrans/signature';
import type { SignatureError, SignedFields } from '../../src/midtrans/signature';
import { serverKeyArb } from './arbitraries';

const RUNS = { numRuns: 1000 };

const errorOf = (r: E.Either<SignatureError, void>): SignatureError | undefined => (E.isLeft(r) ? r.left : undefined);

describe('signatureKey: the worked examples of midtrans-facts.md §2', () => {
  it.each([
    [
      'order-id-node-1541395013',
      '200',
      '200000.00',
      'SB-Mid-server-GwUP_WGbJPXsDzsNEBRs8IYA',
      'd302bfcb2db008f17343e4c3b56cb20a0b22d0951ede6a7cdbfcd31f4a5d0d89d0a5230c333dd2fc5803cfbe8567ad146fb3c574d4050a87b4d81661e5d870de',
    ],
    [
      '1111',
      '200',
      '100000.00',
      'askvnoibnosifnboseofinbofinfgbiufglnbfg',
      'edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80a1f181a79b997ac178a236fcff35af263fc4d4c231',
    ],
    [
      '1111',
      '200',
      '100000',
      'askvnoibnosifnboseofinbofinfgbiufglnbfg',
      '5f363520e86c10c2ea14074cd09dc1d67299633558abe291ded95a16908f9ec5071e982c289c3333bcbcfe62dd8e78ae4c3d3bd92191707ba2e91f7169d8411a',
    ],
    [
      'C17550',
      '200',
      '145000.00',
      'SB-Mid-server-TEST',
      '2caccfdc5d61ed90e417a9522934c05e486b9792d45d863b1314679f53213a709177660cc74818865240db165d72a98f4873b0c5771e8fbece39b194c28297f9',
    ],
  ])('SHA512(%s + %s + %s + key) is the documented hash', (orderId, statusCode, grossAmount, key, expected) => {
    expect(signatureKey(orderId, statusCode, grossAmount, key)).toBe(expected);
    const payload = { order_id: orderId, status_code: statusCode, gross_amount: grossAmount, signature_key: expected };
    expect(verifySignature(payload, key)).toEqual(E.right(undefined));
  });

  it('the amount without decimals gives a different hash from the one Midtrans signs', () => {
    const key = 'askvnoibnosifnboseofinbofinfgbiufglnbfg';
    expect(signatureKey('1111', '200', '100000', key)).not.toBe(signatureKey('1111', '200', '100000.00', key));
  });
});

describe('verifySignature: failures say what probably went wrong', () => {
  const key = 'SB-Mid-server-TEST';
  const signed = signNotification({ order_id: 'C17550', status_code: '200', gross_amount: '145000.00' }, key);

  const cases: ReadonlyArray<readonly [string, SignedFields, string, string | RegExp]> = [
    ['a missing signature', { ...signed, signature_key: undefined }, 'missing_signature', /^signature_key: missing; /],
    ['a number', { ...signed, signature_key: 5 }, 'malformed_signature', 'signature_key: expected 128 lowercase hex characters, got number 5'],
    ['a truncated one', { ...signed, signature_key: signed.signature_key.slice(0, 64) }, 'malformed_signature', /got 64; was it truncated/],
    ['upper-case hex', { ...signed, signature_key: signed.signature_key.toUpperCase() }, 'malformed_signature', /got other characters/],
    ['a wrong server key', signNotification(signed, 'SB-Mid-server-ATTACKER'), 'mismatch', /server key configured here/],
    ['a changed status_code', { ...signed, status_code: '201' }, 'mismatch', /changed after signing/],
    ['a reformatted amount', { ...signed, gross_amount: '145000' }, 'mismatch', /gross_amount "145000" was reformatted: the signature matches "145000.00"/],
    ['a numeric amount', { ...signed, gross_amount: 145000 }, 'unsigned_field', /gross_amount must be the string Midtrans signed, got number 145000/],
    ['a missing order_id', { ...signed, order_id: undefined }, 'unsigned_field', /order_id is missing/],
  ];

  it.each(cases)('rejects %s', (_what, payload, code, message) => {
    const error = errorOf(verifySignature(payload, key));
    expect(error?.code).toBe(code);
    expect(error?.message).toMatch(message);
    expect(error?.message.startsWith('signature_key: ')).toBe(true);
    expect(error?.message).not.toContain(key);
  });

  it('refuses to verify without a server key', () => {
    expect(errorOf(verifySignature(signed, ''))?.code).toBe('no_server_key');
  });
});

describe('signature laws', () => {
  const signedArb = fc.record({
    order_id: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    status_code: fc.string({ maxLength: 4 }),
    gross_amount: fc.string({ maxLength: 16 }),
  });

  it('a payload signed by signNotification always verifies', () => {
    fc.assert(
      fc.property(signedArb, serverKeyArb, (payload, key) => {
        expect(verifySignature(signNotification(payload, key), key)).toEqual(E.right(undefined));
      }),
      RUNS,
    );
  });

  it('any change to a signed field or to signature_key never verifies, and no message shows the key', () => {
    const field = fc.constantFrom('order_id', 'status_code', 'gross_amount', 'signature_key');
    const replacement = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.stringMatching(/^[0-9a-f]{128}$/),
    );
    fc.assert(
      fc.property(signedArb, serverKeyArb, field, replacement, (payload, key, name, value) => {
        const signed = signNotification(payload, key);
        fc.pre(signed[name] !== value);
        const error = errorOf(verifySignature({ ...signed, [name]: value }, key));
        expect(error).toBeDefined();
        expect(error?.message).not.toContain(key);
      }),
      RUNS,
    );
  });

  it('a one-character edit of the signature never verifies', () => {
    fc.assert(
      fc.property(signedArb, serverKeyArb, fc.nat({ max: 127 }), fc.constantFrom(...'0123456789abcdef'), (payload, key, at, c) => {
        const signed = signNotification(payload, key);
        const edited = signed.signature_key.slice(0, at) + c + signed.signature_key.slice(at + 1);
        fc.pre(edited !== signed.signature_key);
        expect(errorOf(verifySignature({ ...signed, signature_key: edited }, key))?.code).toBe('mismatch');
      }),
      RUNS,
    );
  });

  it('one character that is not lowercase hex, anywhere, is a malformed signature, whatever its code point', () => {
    const notHex = fc
      .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('A', 'F', 'g', ' ', '\u0100', '\u0130', '\u0661', '\uff10'))
      .filter((c) => !/^[0-9a-f]$/.test(c) && c.length === 1);
    fc.assert(
      fc.property(signedArb, serverKeyArb, fc.nat({ max: 127 }), notHex, (payload, key, at, c) => {
        const signed = signNotification(payload, key);
        const edited = signed.signature_key.slice(0, at) + c + signed.signature_key.slice(at + 1);
        const error = errorOf(verifySignature({ ...signed, signature_key: edited }, key));
        expect(error?.code).toBe('malformed_signature');
        expect(error?.message).toMatch(/got other characters/);
      }),
      RUNS,
    );
  });
});
