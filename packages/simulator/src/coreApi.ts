/**
 * The Core API's answers on an existing transaction: GET status, and the merchant's actions
 * (approve, deny, cancel, expire, refund, direct refund, capture) with Midtrans' preconditions and
 * error codes.
 */
import { isLeft, isRight } from './either';
import { formatAmount } from './money';
import { cannotModify, errorReply, isRecord, notFound, validationError, wholeAmount, type ApiReply } from './replies';
import { statement, statusAnswerCode, withoutSignature } from './statement';
import { lookup, refunded, type SimContext, type SimRefund, type SimTransaction } from './state';
import { move } from './transitions';

const REFUND_KEY = /^[A-Za-z0-9\-_]{1,50}$/;

const answer = (ctx: SimContext, tx: SimTransaction, code: string, message: string): ApiReply => ({
  httpStatus: 200,
  body: withoutSignature(statement(ctx.config, tx, code, message)),
});

/** `GET /v2/{id}/status`: the signed statement of the transaction (or the order's latest). */
export const status = (ctx: SimContext, id: string): ApiReply => {
  const tx = lookup(ctx, id);
  if (tx === undefined) return notFound();
  return { httpStatus: 200, body: statement(ctx.config, tx, statusAnswerCode(tx.status, tx.fraud), 'Success, transaction is found') };
};

/** `POST /v2/{id}/approve`: only a challenged capture. */
export const approve = (ctx: SimContext, id: string): ApiReply => {
  const tx = lookup(ctx, id);
  if (tx === undefined) return notFound();
  if (tx.status !== 'capture' || tx.fraud !== 'challenge') return cannotModify();
  move(ctx, tx, 'capture', 'accept');
  return answer(ctx, tx, '200', 'Success, transaction is approved');
};

/** `POST /v2/{id}/deny`: only a challenged capture. */
export const deny = (ctx: SimContext, id: string): ApiReply => {
  const tx = lookup(ctx, id);
  if (tx === undefined) return notFound();
  if (tx.status !== 'capture' || tx.fraud !== 'challenge') return cannotModify();
  move(ctx, tx, 'deny', 'deny');
  return answer(ctx, tx, '200', 'Success, transaction is denied');
};

/** `POST /v2/{id}/cancel`: before settlement. */
export const cancel = (ctx: SimContext, id: string): ApiReply => {
  const tx = lookup(ctx, id);
  if (tx === undefined) return notFound();
  if (tx.status !== 'pending' && tx.status !== 'authorize' && tx.status !== 'capture') return cannotModify();
  move(ctx, tx, 'cancel');
  return answer(ctx, tx, '200', 'Success, transaction is canceled');
};

/** `POST /v2/{id}/expire`: only a pending transaction; answers 407 on success. */
export const expire = (ctx: SimContext, id: string): ApiReply => {
  const tx = lookup(ctx, id);
  if (tx === undefined) return notFound();
  if (tx.status !== 'pending') return cannotModify();
  move(ctx, tx, 'expire');
  return answer(ctx, tx, '407', 'Success, transaction has expired');
};

/** `POST /v2/{id}/refund` (or `/refund/online/direct`): a full or partial refund of a settled transaction. */
export const refund = (ctx: SimContext, id: string, body: unknown, direct: boolean): ApiReply => {
  const tx = lookup(ctx, id);
  if (tx === undefined) return notFound();
  const b = body === undefined || body === null ? {} : body;
  if (!isRecord(b)) return validationError(['the body must be a JSON object']);
  const key = b['refund_key'];
  const reason = b['reason'];
  const messages: string[] = [];
  if (key !== undefined && (typeof key !== 'string' || !REFUND_KEY.test(key))) messages.push('refund_key must be up to 50 letters, digits, - or _');
  if (reason !== undefined && typeof reason !== 'string') messages.push('reason must be a string');
  const amount = b['amount'] === undefined ? undefined : wholeAmount(b['amount'], 'amount');
  if (amount !== undefined && isLeft(amount)) messages.push(amount.left);
  if (messages.length > 0) return validationError(messages);
  if (tx.status !== 'settlement' && tx.status !== 'partial_refund') return cannotModify();
  if (typeof key === 'string' && tx.refunds.some((r) => r.refund_key === key)) return errorReply('406', 'Duplicate refund ID');
  const remaining = tx.grossAmount - refunded(tx);
  const value = amount !== undefined && isRight(amount) ? amount.right : remaining;
  if (value > remaining) return errorReply('414', `Refund amount must be less than or equal to the remaining amount (${formatAmount(remaining)})`);
  const r: SimRefund = {
    refund_chargeback_id: tx.refunds.length + 1,
    refund_amount: value,
    ...(typeof key === 'string' ? { refund_key: key } : {}),
    reason: typeof reason === 'string' ? reason : '',
    created_at: ctx.st.now,
    direct,
  };
  tx.refunds.push(r);
  move(ctx, tx, refunded(tx) >= tx.grossAmount ? 'refund' : 'partial_refund');
  const own = withoutSignature(statement(ctx.config, tx, '200', direct ? 'Success, refund request is approved by the bank' : 'Success, refund request is approved'));
  const { refunds: _all, ...rest } = own;
  return {
    httpStatus: 200,
    body: {
      ...rest,
      refund_chargeback_id: r.refund_chargeback_id,
      refund_amount: formatAmount(value),
      ...(r.refund_key !== undefined ? { refund_key: r.refund_key } : {}),
    },
  };
};

/** `POST /v2/capture`: the whole or part of an authorization. */
export const capture = (ctx: SimContext, body: unknown): ApiReply => {
  if (!isRecord(body)) return validationError(['transaction_id is required']);
  const tid = body['transaction_id'];
  if (typeof tid !== 'string' || tid === '') return validationError(['transaction_id is required']);
  const amount = body['gross_amount'] === undefined ? undefined : wholeAmount(body['gross_amount'], 'gross_amount');
  if (amount !== undefined && isLeft(amount)) return validationError([amount.left]);
  const tx = ctx.st.txs.get(tid);
  if (tx === undefined) return notFound();
  if (tx.status !== 'authorize') return cannotModify();
  const value = amount !== undefined && isRight(amount) ? amount.right : tx.authorizedAmount;
  if (value > tx.authorizedAmount) return errorReply('412', `gross_amount ${formatAmount(value)} exceeds the authorized ${formatAmount(tx.authorizedAmount)}`);
  tx.grossAmount = value;
  tx.captureTime = ctx.st.now;
  move(ctx, tx, 'capture');
  return answer(ctx, tx, tx.fraud === 'challenge' ? '201' : '200', 'Success, Credit Card capture transaction is successful');
};
