/// <reference types="jest" />
/**
 * The behaviour every EventStore must show, as one jest suite. Each implementation's test file calls
 * describeEventStoreContract once; the parts of the suite are in contract/.
 */
import type { EventStore } from './eventStore';
import type { ContractContext, ContractOptions, StoreUnderTest } from './contract/contractContext';
import { describeAppendAndRead } from './contract/describeAppendAndRead';
import { describeAppendMany } from './contract/describeAppendMany';
import { describeCatchUp } from './contract/describeCatchUp';
import { describeConcurrentAppends } from './contract/describeConcurrentAppends';
import { describeData } from './contract/describeData';
import { describeIdempotencyKeys } from './contract/describeIdempotencyKeys';
import { describeLifecycle } from './contract/describeLifecycle';
import { describeSideTables } from './contract/describeSideTables';
import { describeLeases } from './contract/describeLeases';
import { describeRejectionLogCaps } from './contract/describeRejectionLogCaps';
import { describeReconcileClaims } from './contract/describeReconcileClaims';

export type { ContractOptions, OlderSchemaHarness, StoreUnderTest } from './contract/contractContext';

/** Registers the shared EventStore suite for one implementation. */
export const describeEventStoreContract = (
  name: string,
  factory: () => Promise<StoreUnderTest>,
  options: ContractOptions = {},
): void => {
  if (options.skipReason !== undefined) {
    console.warn(`EventStore contract for ${name} skipped: ${options.skipReason}`);
  }
  // Skipping is decided by the caller (e.g. no PostgreSQL server and none required); the reason is printed above.
  const suite = options.skipReason === undefined ? describe : describe.skip;

  suite(`EventStore contract: ${name}`, () => {
    let subject: StoreUnderTest | undefined;
    let others: EventStore[] = [];

    beforeEach(async () => {
      subject = await factory();
      others = [];
    });

    afterEach(async () => {
      await Promise.all(others.map((s) => s.close()));
      await subject?.cleanup();
      subject = undefined;
    });

    const store = (): EventStore => {
      if (subject === undefined) throw new Error('store not opened');
      return subject.store;
    };

    /** The store plus, when the implementation can, a second instance on the same database. */
    const openAnother = (): Promise<EventStore> => {
      if (subject?.openAnother === undefined) throw new Error(`${name}: multiInstance is set but the factory has no openAnother`);
      return subject.openAnother();
    };

    const instances = async (): Promise<readonly EventStore[]> => {
      if (options.multiInstance !== true) return [store()];
      const another = await openAnother();
      others.push(another);
      return [store(), another];
    };

    const context: ContractContext = {
      options,
      store,
      openAnother,
      instances,
      track: (other) => {
        others.push(other);
      },
    };
    describeAppendAndRead(context);
    describeCatchUp(context);
    describeIdempotencyKeys(context);
    describeConcurrentAppends(context);
    describeAppendMany(context);
    describeSideTables(context);
    describeLeases(context);
    describeRejectionLogCaps(context);
    describeReconcileClaims(context);
    describeData(context);
    describeLifecycle(context);
  });
};
