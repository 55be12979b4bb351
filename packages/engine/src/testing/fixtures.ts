/**
 * Builders of domain observations for one payment, with the status codes Midtrans would send,
 * so tests read as sentences: `pay.notified('capture', 'accept')`.
 */
import type { ActionName } from '../actions';
import type { Money } from '../money';
import type { ActionRequest, Observation, RefundEntry, StatusReport } from '../observation';
import { notificationStatusCodes, type FraudStatus, type TransactionStatus } from '../status';

export interface PaymentFixtureOptions {
  readonly orderId?: string;
  readonly transactionId?: string;
  /** Minor units; default 145,000.00. */
  readonly gross?: Money;
  readonly transactionTime?: string;
}

export interface ReportExtras {
  readonly refundAmount?: Money;
  readonly refundKey?: string;
  readonly refunds?: readonly RefundEntry[];
  readonly chargebackAmount?: Money;
  readonly grossAmount?: Money;
  readonly statusCode?: string;
  readonly transactionId?: string;
  readonly expiryTime?: string;
  readonly settlementTime?: string;
}

/** The status_code of an action's success answer, where it differs from the notification's. */
const actionStatusCode = (action: ActionName): { statusCode?: string } =>
  action === 'expire' ? { statusCode: '407' } : action === 'approve' || action === 'deny' || action === 'cancel' ? { statusCode: '200' } : {};

export const paymentFixture = (opts: PaymentFixtureOptions = {}) => {
  const orderId = opts.orderId ?? 'order-1';
  const transactionId = opts.transactionId ?? 'tx-1';
  const gross = opts.gross ?? 145_000_00;
  const transactionTime = opts.transactionTime ?? '2024-05-14 10:15:20';
  const report = (status: TransactionStatus, fraud: FraudStatus | undefined, x: ReportExtras = {}): StatusReport => ({
    transactionId: x.transactionId ?? transactionId,
    status,
    ...(fraud !== undefined ? { fraud } : {}),
    statusCode: x.statusCode ?? notificationStatusCodes(status, fraud ?? null)[0]!,
    grossAmount: x.grossAmount ?? gross,
    transactionTime,
    ...(x.refundAmount !== undefined ? { refundAmount: x.refundAmount } : {}),
    ...(x.refundKey !== undefined ? { refundKey: x.refundKey } : {}),
    ...(x.refunds !== undefined ? { refunds: x.refunds } : {}),
    ...(x.chargebackAmount !== undefined ? { chargebackAmount: x.chargebackAmount } : {}),
    ...(x.expiryTime !== undefined ? { expiryTime: x.expiryTime } : {}),
    ...(x.settlementTime !== undefined ? { settlementTime: x.settlementTime } : {}),
  });
  return {
    orderId,
    transactionId,
    gross,
    report,
    requested: (amount: Money = gross): Observation => ({ kind: 'charge_request', orderId, grossAmount: amount }),
    charged: (status: TransactionStatus, fraud?: FraudStatus, x: ReportExtras = {}): Observation => ({
      kind: 'charge_response',
      orderId,
      answer: { report: report(status, fraud, { statusCode: status === 'pending' || fraud === 'challenge' ? '201' : status === 'deny' ? '202' : '200', ...x }) },
    }),
    chargeRefused: (statusCode: string, message?: string): Observation => ({
      kind: 'charge_response',
      orderId,
      answer: { error: { statusCode, ...(message !== undefined ? { message } : {}) } },
    }),
    notified: (status: TransactionStatus, fraud?: FraudStatus, x: ReportExtras = {}): Observation => ({
      kind: 'notification',
      orderId,
      report: report(status, fraud, x),
    }),
    fetched: (status: TransactionStatus, fraud?: FraudStatus, x: ReportExtras = {}): Observation => ({
      kind: 'status_response',
      orderId,
      targetId: orderId,
      answer: { report: report(status, fraud, { ...(status === 'expire' ? { statusCode: '407' } : {}), ...x }) },
    }),
    acted: (
      action: ActionName,
      status: TransactionStatus,
      fraud?: FraudStatus,
      x: ReportExtras & { requestAmount?: Money; requestKey?: string } = {},
    ): Observation => ({
      kind: 'action_response',
      action,
      orderId,
      targetId: action === 'capture' ? (x.transactionId ?? transactionId) : orderId,
      request: {
        ...(x.requestAmount !== undefined ? { amount: x.requestAmount } : {}),
        ...(x.requestKey !== undefined ? { refundKey: x.requestKey } : {}),
      },
      answer: { report: report(status, fraud, { ...actionStatusCode(action), ...x }) },
    }),
    refused: (action: ActionName, statusCode: string, message?: string, request: ActionRequest = {}): Observation => ({
      kind: 'action_response',
      action,
      orderId,
      targetId: orderId,
      request,
      answer: { error: { statusCode, ...(message !== undefined ? { message } : {}) } },
    }),
    callback: (status: TransactionStatus): Observation => ({ kind: 'callback_3ds', orderId, transactionId, status }),
    deadline: (reason: string, deadline: string): Observation => ({ kind: 'deadline_passed', orderId, transactionId, deadline, reason }),
    invalid: (reason: string): Observation => ({ kind: 'invalid', received: 'notification', orderId, reason }),
  };
};
export type PaymentFixture = ReturnType<typeof paymentFixture>;
