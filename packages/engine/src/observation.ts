/**
 * What the engine folds: observations in domain words. The adapters translate Midtrans JSON into
 * these (and are the only place that knows the wire names); the engine never parses bytes.
 */
import type { ActionName } from './actions';
import type { Money } from './money';
import type { FraudStatus, TransactionStatus } from './status';

export const OBSERVATION_KINDS = [
  'charge_request',
  'charge_response',
  'notification',
  'status_response',
  'action_response',
  'callback_3ds',
  'deadline_passed',
] as const;
export type ObservationKind = (typeof OBSERVATION_KINDS)[number];

export interface RefundEntry {
  /** The merchant's `refund_key`, when known. */
  readonly key?: string;
  /** Midtrans' `refund_chargeback_id`. */
  readonly id?: string;
  readonly amount: Money;
}

/** A Midtrans statement of an attempt's state (charge, notification, status or action answer). */
export interface StatusReport {
  readonly transactionId: string;
  readonly status: TransactionStatus;
  /** Absent: the verdict is unchanged. */
  readonly fraud?: FraudStatus;
  /** As received ("200", "201", "202", "407"). */
  readonly statusCode: string;
  readonly grossAmount: Money;
  /** Cumulative in notifications and status responses; this one refund in a refund answer. */
  readonly refundAmount?: Money;
  readonly refundKey?: string;
  readonly refunds?: readonly RefundEntry[];
  /** Cumulative charged-back amount, where a payload states it. */
  readonly chargebackAmount?: Money;
  /** Payload times as sent, GMT+7 ("2024-05-14 10:15:20"). */
  readonly transactionTime?: string;
  readonly expiryTime?: string;
  readonly settlementTime?: string;
}

/** An error answer: a 4xx/5xx `status_code` with a message, matched to its attempt through the request. */
export interface ApiError {
  readonly statusCode: string;
  readonly message?: string;
}

/** Midtrans' reply to a request (an observation's `answer`): the state it reports, or an error. */
export type Reply = { readonly report: StatusReport } | { readonly error: ApiError };

/** What every observation carries. */
export interface ObservationBase {
  /** The stream: the merchant's order_id. Absent only when the order is known by transaction_id alone. */
  readonly orderId?: string;
  readonly receivedAt?: string;
}

export interface ChargeRequest extends ObservationBase {
  readonly kind: 'charge_request';
  readonly orderId: string;
  readonly grossAmount: Money;
}

export interface ChargeResponse extends ObservationBase {
  readonly kind: 'charge_response';
  readonly answer: Reply;
}

/**
 * How far a verified notification is trusted (DOMAIN §6a). `signature`: it is folded as it says
 * (replay, ingest of a log, a host that cannot reach Midtrans). `confirm`: it is a trigger only;
 * the GET status answer fetched for it was folded just before, and the notification is recorded
 * against that result, never moving the state itself.
 */
export const NOTIFICATION_MODES = ['signature', 'confirm'] as const;
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];

/** A notification whose signature the adapter has verified. */
export interface Notification extends ObservationBase {
  readonly kind: 'notification';
  readonly orderId: string;
  readonly report: StatusReport;
  /** Absent: signature mode (what every observation recorded before confirm mode existed means). */
  readonly mode?: NotificationMode;
}

export interface StatusResponse extends ObservationBase {
  readonly kind: 'status_response';
  /** The id in `GET /v2/{id}/status`: an order_id or a transaction_id. */
  readonly targetId?: string;
  readonly answer: Reply;
}

export interface ActionRequest {
  /** `amount` of a refund, `gross_amount` of a capture. */
  readonly amount?: Money;
  readonly refundKey?: string;
}

export interface ActionResponse extends ObservationBase {
  readonly kind: 'action_response';
  readonly action: ActionName;
  /** The id the request addressed (`/v2/{id}/...`, or the capture body's transaction_id): an order_id or a transaction_id. */
  readonly targetId?: string;
  readonly request: ActionRequest;
  readonly answer: Reply;
}

/** The browser's 3DS callback: recorded, never authoritative. */
export interface Callback3ds extends ObservationBase {
  readonly kind: 'callback_3ds';
  readonly transactionId?: string;
  readonly status?: TransactionStatus;
}

/** The host's clock reached a deadline the engine planned (DOMAIN §8). */
export interface DeadlinePassed extends ObservationBase {
  readonly kind: 'deadline_passed';
  readonly orderId: string;
  readonly transactionId?: string;
  readonly deadline: string;
  readonly reason: string;
}

/** An input the adapters could not trust or read: it is classified `rejected` and nothing else. */
export interface Invalid extends ObservationBase {
  readonly kind: 'invalid';
  /** The kind it claimed to be. */
  readonly received: ObservationKind | 'unknown';
  readonly transactionId?: string;
  /** The id in the request path, when that is all that names the order. */
  readonly targetId?: string;
  /** What is wrong, naming the field or the cause. */
  readonly reason: string;
}

export type Observation =
  | ChargeRequest
  | ChargeResponse
  | Notification
  | StatusResponse
  | ActionResponse
  | Callback3ds
  | DeadlinePassed
  | Invalid;

export const reportOf = (a: Reply): StatusReport | undefined => ('report' in a ? a.report : undefined);
export const errorOf = (a: Reply): ApiError | undefined => ('error' in a ? a.error : undefined);

/** The transaction_id an observation names, if any. */
export const transactionIdOf = (o: Observation): string | undefined => {
  switch (o.kind) {
    case 'notification':
      return o.report.transactionId;
    case 'charge_response':
      return reportOf(o.answer)?.transactionId;
    case 'status_response':
    case 'action_response':
      return reportOf(o.answer)?.transactionId;
    case 'callback_3ds':
    case 'deadline_passed':
    case 'invalid':
      return o.transactionId;
    case 'charge_request':
      return undefined;
  }
};
