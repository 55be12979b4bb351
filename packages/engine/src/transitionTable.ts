/**
 * The legal edges of DOMAIN §2–3 as data, each row citing the Midtrans page it comes from.
 * The machines are written by hand; a test proves their edge sets equal these tables exactly.
 */
import type { FraudStatus, Start, TransactionStatus } from './status';

export const SOURCES = {
  '000': 'midtrans-docs/000_bb850bf0ac76bd47.txt (card payment integration: token, charge, 3DS)',
  '001': 'midtrans-docs/001_8687c40514d3b1c7.txt (charge transactions on card: responses, notifications)',
  '002': 'midtrans-docs/002_de9910a811dd38d7.txt (transaction status cycle, fraud status, API actions)',
  '003': 'midtrans-docs/003_8fa244e888de14d7.txt (get transaction status, refunds[])',
  '004': 'midtrans-docs/004_e481d32f42137c7b.txt (approve transaction)',
  DOMAIN: 'DOMAIN.md decision',
} as const;
export type SourceId = keyof typeof SOURCES;

/** Guards name the only conditions an edge depends on. */
export type TransactionGuard = 'fraudChallenged';
export type FraudGuard = 'leavingPending';

export interface TransactionEdge {
  readonly from: TransactionStatus | Start;
  readonly to: TransactionStatus;
  readonly guard?: TransactionGuard;
  readonly sources: readonly SourceId[];
  readonly note: string;
}

export interface FraudEdge {
  readonly from: FraudStatus | Start;
  readonly to: FraudStatus;
  readonly guard?: FraudGuard;
  readonly sources: readonly SourceId[];
  readonly note: string;
}

export const TRANSACTION_EDGES: readonly TransactionEdge[] = [
  { from: 'start', to: 'pending', sources: ['000'], note: '3DS charge answered 201 with redirect_url' },
  { from: 'start', to: 'authorize', sources: ['001', '002'], note: 'pre-authorization charge (credit_card.type authorize)' },
  { from: 'start', to: 'capture', sources: ['000', '001'], note: 'non-3DS charge 200, or 201 challenge' },
  { from: 'start', to: 'deny', sources: ['001'], note: 'charge 202: denied by bank or FDS' },
  { from: 'pending', to: 'capture', sources: ['000', '002'], note: '3DS completed and charged' },
  { from: 'pending', to: 'authorize', sources: ['002'], note: '3DS completed on a pre-authorization' },
  { from: 'pending', to: 'deny', sources: ['000', '002'], note: '3DS failed or bank declined' },
  { from: 'pending', to: 'expire', sources: ['000', '002'], note: 'no 3DS within 10 minutes, or expire API' },
  { from: 'pending', to: 'cancel', sources: ['002'], note: 'cancel API' },
  { from: 'pending', to: 'failure', sources: ['002'], note: 'unexpected error while processing' },
  { from: 'authorize', to: 'capture', sources: ['002'], note: 'capture API 200' },
  { from: 'authorize', to: 'deny', sources: ['002'], note: 'listed successor of authorize' },
  { from: 'authorize', to: 'cancel', sources: ['002'], note: 'cancel API, or capture window exceeded' },
  { from: 'authorize', to: 'expire', sources: ['002'], note: 'not captured within 7 (or 8) days' },
  { from: 'capture', to: 'settlement', sources: ['001', '002'], note: 'daily settlement, next day 16:00' },
  { from: 'capture', to: 'cancel', sources: ['001', '002'], note: 'cancel API before settlement; auto-cancel of an unapproved challenge' },
  { from: 'capture', to: 'deny', guard: 'fraudChallenged', sources: ['002', '004'], note: 'deny API or bank, only while fraud_status is challenge' },
  { from: 'settlement', to: 'refund', sources: ['002', '003'], note: 'full refund' },
  { from: 'settlement', to: 'partial_refund', sources: ['002', '003'], note: 'refund of less than gross_amount' },
  { from: 'settlement', to: 'chargeback', sources: ['002'], note: 'dispute' },
  { from: 'settlement', to: 'partial_chargeback', sources: ['002'], note: 'partial dispute' },
  { from: 'settlement', to: 'deny', sources: ['002', 'DOMAIN'], note: 'reversal: applied and flagged `reversal`' },
  { from: 'partial_refund', to: 'partial_refund', sources: ['003'], note: 'a further refund, larger cumulative refund_amount' },
  { from: 'partial_refund', to: 'refund', sources: ['003', 'DOMAIN'], note: 'cumulative refund reaches gross_amount' },
  { from: 'partial_chargeback', to: 'partial_chargeback', sources: ['002'], note: 'a further partial chargeback' },
  { from: 'partial_chargeback', to: 'chargeback', sources: ['002'], note: 'charged back in full' },
];

export const FRAUD_EDGES: readonly FraudEdge[] = [
  { from: 'start', to: 'accept', sources: ['001', '002'], note: 'FDS verdict in the first payload' },
  { from: 'start', to: 'challenge', sources: ['001', '002'], note: 'FDS verdict in the first payload' },
  { from: 'start', to: 'deny', sources: ['001', '002'], note: 'FDS verdict in the first payload' },
  { from: 'challenge', to: 'accept', sources: ['004', '002'], note: 'approve API or dashboard' },
  { from: 'challenge', to: 'deny', sources: ['002'], note: 'deny API' },
  { from: 'accept', to: 'challenge', guard: 'leavingPending', sources: ['DOMAIN'], note: 'a verdict given while pending is provisional' },
  { from: 'accept', to: 'deny', guard: 'leavingPending', sources: ['DOMAIN'], note: 'a verdict given while pending is provisional' },
  { from: 'deny', to: 'accept', guard: 'leavingPending', sources: ['DOMAIN'], note: 'a verdict given while pending is provisional' },
  { from: 'deny', to: 'challenge', guard: 'leavingPending', sources: ['DOMAIN'], note: 'a verdict given while pending is provisional' },
];
