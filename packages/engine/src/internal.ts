/**
 * @paystate/engine/internal — the compiled-lookup kit behind the fold: pair encodings, the lookups
 * compiled from the machines, the compiled path and event keys. For paystate's own tools and tests
 * (the benchmarks, the second implementation); not part of the public API, and it changes
 * without notice between releases.
 */
export {
  TX_NODES,
  FRAUD_NODES,
  PAIR_COUNT,
  START_PAIR,
  pairOf,
  txOf,
  fraudOf,
  compileMachine,
  compiledTransactionLookup,
  compiledFraudLookup,
  nextTransaction,
  nextFraud,
  xstateNext,
  statesOf,
  eventTypesOf,
  transactionEventKey,
  fraudEventKey,
  transactionEventVariants,
  fraudEventVariants,
  pairSteps,
  PAIR_STEPS,
  compiledPath,
  hasSelfLoop,
  isTerminalPair,
  actionsAt,
} from './compiled';
export type { TxNode, FraudNode, Pair, Lookup } from './compiled';
