/**
 * The words of the fold: renders a reason's code and details as the text a decision carries.
 * Every reason text the engine gives is written here and nowhere else.
 */
import { fraudOf, PAIR_COUNT, txOf, type Pair } from '../compiled';
import { displayAmount } from '../money';
import { START } from '../status';
import { hasBit } from './pairs';
import type { Amounts, Place, Reason, Subject } from './reasons';

// Names of every pair, made once: reasons name pairs for every observation.
const PAIR_NAMES: readonly string[] = Array.from({ length: PAIR_COUNT }, (_, p) => {
  const f = fraudOf(p);
  return f === START ? txOf(p) : `${txOf(p)}/${f}`;
});

const pairName = (p: Pair): string => PAIR_NAMES[p]!;

const amountNote = (m: Amounts): string =>
  (m.refunded > 0 ? ` with ${displayAmount(m.refunded)} refunded` : '') +
  (m.chargedBack > 0 ? ` with ${displayAmount(m.chargedBack)} charged back` : '');

/** Where an attempt is, with its money: `settlement with 50,000 refunded`. */
const here = (a: Place): string => pairName(a.pair) + amountNote(a);

const inferredNote = (inferred: readonly Pair[]): string => (inferred.length > 0 ? ` (${inferred.map(pairName).join(', ')} inferred)` : '');

/** The path's pairs by name, sorted: the text stays the same whatever order a release keeps its status lists in. */
const pathNames = (visited: number): string => {
  const names: string[] = [];
  for (let p = 0; p < PAIR_COUNT; p++) if (hasBit(visited, p)) names.push(pairName(p));
  return names.sort().join(', ');
};

const KIND_WORDS = { notification: 'notification', status_response: 'status response', charge_response: 'charge response' } as const;

const subject = (s: Subject): string => {
  switch (s.kind) {
    case 'retry':
      return `retry after ${s.after}: ${KIND_WORDS.charge_response}`;
    case 'action_response':
      return `${s.action} answer${s.refundAgain !== undefined ? ` (refund ${s.refundAgain} again)` : ''}`;
    default:
      return KIND_WORDS[s.kind];
  }
};

const answered = (statusCode: string | undefined): string => (statusCode !== undefined ? `; Midtrans answered ${statusCode}` : '');

const errorNote = (e: { readonly statusCode: string; readonly message?: string }): string =>
  `${e.statusCode}${e.message !== undefined ? ` (${e.message})` : ''}`;

type Of<C extends Reason['code']> = Extract<Reason, { readonly code: C }>;

const transitionText = (r: Of<'transition'>): string => {
  switch (r.case) {
    case 'requested_amount':
      return `charge request amount is now ${displayAmount(r.amount)}`;
    case 'retry_request':
      return `retry after ${r.after}: charge request for ${displayAmount(r.amount)}`;
    case 'move':
      return (
        (r.steps.length === 1 ? `${pairName(r.from)} → ${pairName(r.steps[0]!)}` : [r.from, ...r.steps].map(pairName).join(' → ')) +
        amountNote(r.money) +
        inferredNote(r.inferred)
      );
    case 'history_money':
      return `${subject(r.subject)} (${pairName(r.stated)}) is history, its money is not: ${pairName(r.from)} → ${pairName(r.to)}${amountNote(r.money)}${inferredNote(r.inferred)}`;
  }
};

const inconsistentText = (r: Of<'inconsistent_amounts'>): string => {
  switch (r.case) {
    case 'refund_above_gross':
      return `refund_amount ${displayAmount(r.refund)} exceeds gross_amount ${displayAmount(r.gross)}`;
    case 'partial_not_below_gross':
      return `partial_refund with refund_amount ${displayAmount(r.refund)} is not below gross_amount ${displayAmount(r.gross)}`;
    case 'full_below_gross':
      return `refund with refund_amount ${displayAmount(r.refund)} is below gross_amount ${displayAmount(r.gross)}`;
    case 'opening_overdrawn':
      return `${subject(r.subject)} states refunds and chargebacks above gross_amount ${displayAmount(r.gross)}`;
    case 'partial_refund_in_full':
      return `${subject(r.subject)} says partial_refund, but ${displayAmount(r.refunded)} of ${displayAmount(r.gross)} would be refunded`;
  }
};

const amountMismatchText = (r: Of<'amount_mismatch'>): string => {
  switch (r.case) {
    case 'charge_request':
      return `gross_amount ${displayAmount(r.stated)} does not match the charge request's ${displayAmount(r.requested)}`;
    case 'attempt':
      return `gross_amount ${displayAmount(r.stated)} does not match the attempt's ${displayAmount(r.expected)}`;
    case 'capture_answer':
      return `capture answer gross_amount ${displayAmount(r.stated)} matches neither the capture nor the authorization`;
  }
};

/** The text of a reason. */
export const renderReason = (r: Reason): string => {
  switch (r.code) {
    case 'invalid_input':
      return r.text;
    case 'stream_opened':
      return `charge request for ${displayAmount(r.amount)} opens order ${r.orderId}`;
    case 'same_state':
      return r.case === 'charge_request' ? `charge request for ${displayAmount(r.amount)} seen again` : `${subject(r.subject)}: already ${here(r.at)}`;
    case 'transition':
      return transitionText(r);
    case 'attempt_opened':
    case 'retry_opened':
      return `${subject(r.subject)} opens attempt ${r.transactionId} at ${pairName(r.at)}${inferredNote(r.inferred)}`;
    case 'behind_current':
      return r.case === 'older_amount'
        ? `${subject(r.subject)} states an older amount than ${here(r.at)}`
        : `${subject(r.subject)} (${pairName(r.stated)}) is history: the attempt is already ${here(r.at)}`;
    case 'no_legal_path':
      return r.case === 'unreachable'
        ? `${subject(r.subject)} (${pairName(r.stated)}${amountNote(r.money)}) is not reachable from ${here(r.at)} by legal edges, nor on the path from ${pairName(r.origin)}`
        : r.case === 'fraud_deny'
          ? `${subject(r.subject)} (${pairName(r.stated)}) is not a Midtrans state: fraud_status deny comes only with transaction_status deny`
          : `${subject(r.subject)} cannot open an attempt at ${pairName(r.stated)}`;
    case 'not_authoritative':
      return `browser 3DS callback${r.status !== undefined ? ` (${r.status})` : ''} is never authoritative: wait for the notification or GET status`;
    case 'charge_refused':
      return `charge answered ${errorNote(r.error)}: no attempt`;
    case 'status_error':
      return `status answered ${errorNote(r.error)}: no change`;
    case 'action_refused':
      return `${r.action} answered ${errorNote(r.error)}: no change`;
    case 'action_declined':
      return `${r.action} declined by the bank (202 ${r.status}): no change`;
    case 'action_not_allowed':
      return r.case === 'no_attempt'
        ? `${r.action} on order ${r.orderId}, which has no attempt yet`
        : `${r.action} was never allowed on this attempt (path: ${pathNames(r.visited)})${answered(r.answered)}`;
    case 'unexpected_action_result':
      return `${r.action} answered ${r.statusCode} with ${r.status}${r.fraud !== undefined ? `/${r.fraud}` : ''}, not its documented result (${r.documented.join(' or ')})`;
    case 'refund_key_reused':
      return `refund_key ${r.key} was used for ${displayAmount(r.usedFor)}; a new refund of ${displayAmount(r.amount)} may not reuse it${answered(r.answered)}`;
    case 'refund_exceeds_remaining':
      return r.case === 'ever_refundable'
        ? `refund of ${displayAmount(r.amount)} exceeds what was ever refundable (${displayAmount(r.gross)})${answered(r.answered)}`
        : r.case === 'never_fits'
          ? `refund of ${displayAmount(r.amount)} exceeds what the refunds known by key ever left refundable (${displayAmount(r.refundable)})`
          : `refund of ${displayAmount(r.amount)} exceeds the refundable remaining ${displayAmount(r.remaining)}`;
    case 'capture_exceeds_authorized':
      return `capture of ${displayAmount(r.amount)} exceeds the authorized ${displayAmount(r.authorized)}${answered(r.answered)}`;
    case 'inconsistent_amounts':
      return inconsistentText(r);
    case 'active_attempt':
      return r.case === 'charge_request'
        ? `charge request while attempt ${r.activeId} is still ${r.status}`
        : `a new transaction ${r.transactionId} while attempt ${r.activeId} is still ${r.status}`;
    case 'deadline_passed':
      return `deadline ${r.deadline} (${r.why}) passed while ${r.status}: reconcile with GET status`;
    case 'deadline_moot':
      return `deadline ${r.deadline} (${r.why}) no longer awaited`;
    case 'unknown_order':
      return `order ${r.orderId} is unknown: no charge request or charge response opened it`;
    case 'no_order':
      return r.case === 'charge_response' ? 'charge response names no order_id' : `${r.kind.replace('_', ' ')} names no known order`;
    case 'unknown_transaction':
      return `transaction_id ${r.transactionId} is not an attempt of order ${r.orderId}`;
    case 'amount_mismatch':
      return amountMismatchText(r);
    case 'contradicted_by_status':
      return (
        `notification (${pairName(r.stated)}${amountNote(r.money)}) is contradicted by GET status` +
        (r.at === undefined ? ', which reports no attempt for it' : `, which reports ${here(r.at)}`) +
        ': the order keeps what Midtrans answered'
      );
    case 'status_code_mismatch':
      return `status_code "${r.statusCode}" does not match transaction_status ${r.status}${r.fraud !== null && r.status === 'capture' ? `/${r.fraud}` : ''} (expected ${r.expected.map((c) => `"${c}"`).join(' or ')})`;
  }
};
