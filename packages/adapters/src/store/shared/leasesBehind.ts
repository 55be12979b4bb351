/** The lease and effect calls of a store held at a schema before migration 6: each fails, naming the migration. */
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStore } from '../eventStore';
import { storeFailed } from '../eventStore';
import { SUBSCRIPTION_LEASES_MIGRATION } from '../migrations';

export const leasesBehind = (): Pick<
  EventStore,
  'joinSubscriber' | 'leaveSubscriber' | 'abandonEffect' | 'acquireLease' | 'releaseLease' | 'saveLeasedCheckpoint' | 'readLeases' | 'claimEffect' | 'completeEffect' | 'readUnfinishedEffects'
> => {
  const behind = () => TE.left(storeFailed(`subscription leases need migration ${SUBSCRIPTION_LEASES_MIGRATION}: run \`paystate migrate --store URL\``));
  return {
    joinSubscriber: behind,
    leaveSubscriber: behind,
    abandonEffect: behind,
    acquireLease: behind,
    releaseLease: behind,
    saveLeasedCheckpoint: behind,
    readLeases: behind,
    claimEffect: behind,
    completeEffect: behind,
    readUnfinishedEffects: behind,
  };
};
