import fc from 'fast-check';
import { compiledFraudLookup, compiledPath, compiledTransactionLookup, eventTypesOf, fraudEventKey, fraudEventVariants, nextFraud, nextTransaction, PAIR_COUNT, statesOf, transactionEventKey, transactionEventVariants, xstateNext, FRAUD_NODES, type FraudNode, type TxNode } from '../src/internal';
import { fraudStatusMachine, transactionStatusMachine } from '../src/index';

const RUNS = { numRuns: 1000 };

describe('the compiled lookup equals the machine (proof 6)', () => {
  test('transaction_status: for every state, event type and guard input, the lookup answers what xstate transition answers', () => {
    let checked = 0;
    for (const state of statesOf(transactionStatusMachine))
      for (const type of eventTypesOf(transactionStatusMachine))
        for (const event of transactionEventVariants(type)) {
          expect(nextTransaction(state as TxNode, event)).toBe(xstateNext(transactionStatusMachine, state, event));
          checked++;
        }
    expect(checked).toBe(13 * 12 * 4);
  });

  test('fraud_status: for every state, event type and guard input, the lookup answers what xstate transition answers', () => {
    for (const state of statesOf(fraudStatusMachine))
      for (const type of eventTypesOf(fraudStatusMachine))
        for (const event of fraudEventVariants(type)) expect(nextFraud(state as FraudNode, event)).toBe(xstateNext(fraudStatusMachine, state, event));
  });

  test('random (state, event) pairs agree, including events no state listens to', () => {
    const txEvent = fc.record({
      type: fc.constantFrom(...eventTypesOf(transactionStatusMachine), 'nonsense'),
      fraud: fc.constantFrom(...FRAUD_NODES),
    });
    fc.assert(
      fc.property(fc.constantFrom(...statesOf(transactionStatusMachine)), txEvent, (state, event) => {
        const viaXstate = xstateNext(transactionStatusMachine, state, event as never);
        expect(compiledTransactionLookup.get(`${state}|${transactionEventKey(event as never)}`)).toBe(viaXstate);
      }),
      RUNS,
    );
    const fraudEvent = fc.record({ type: fc.constantFrom(...eventTypesOf(fraudStatusMachine), 'nonsense'), leavingPending: fc.boolean() });
    fc.assert(
      fc.property(fc.constantFrom(...statesOf(fraudStatusMachine)), fraudEvent, (state, event) => {
        expect(compiledFraudLookup.get(`${state}|${fraudEventKey(event as never)}`)).toBe(xstateNext(fraudStatusMachine, state, event as never));
      }),
      RUNS,
    );
  });

  test('paths are consistent: a path is a chain of reachable steps and reachability is transitive', () => {
    fc.assert(
      fc.property(fc.nat(PAIR_COUNT - 1), fc.nat(PAIR_COUNT - 1), fc.nat(PAIR_COUNT - 1), (a, b, c) => {
        const ab = compiledPath(a, b);
        const bc = compiledPath(b, c);
        if (ab !== undefined && bc !== undefined) expect(compiledPath(a, c)).toBeDefined();
        if (ab !== undefined && ab.length > 0) expect(ab[ab.length - 1]).toBe(b);
        expect(compiledPath(a, a)).toEqual([]);
      }),
      RUNS,
    );
  });
});
