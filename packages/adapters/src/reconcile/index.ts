/** Reconciliation: GET status for orders past a planned deadline or flagged, with per-order backoff. */
export { createReconciler } from './reconciler';
export type { ReconcileCheck, ReconcileFailure, ReconcileReport, Reconciler, ReconcilerOptions } from './reconciler';
