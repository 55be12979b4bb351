/**
 * What starts a payment: card tokenization (`GET /v2/token`), the charge with its validation, the
 * 3DS page the customer completes, and the Idempotency-Key window every POST goes through.
 */
import { cardFor, isAcceptableCardNumber, normalizeCardNumber, SANDBOX_OTP } from './cards';
import { THREE_DS_WINDOW_MS } from './clock';
import { isLeft, left } from './either';
import { errorReply, isRecord, validationError, wholeAmount, type ApiReply } from './replies';
import { statement, withoutSignature } from './statement';
import { lookup, type SimContext, type SimTransaction } from './state';
import { RETRYABLE_ENDINGS } from './status';
import { decide, move } from './transitions';

export interface ThreeDsView {
  readonly kind: 'unknown' | 'open' | 'closed';
  readonly transaction?: Readonly<SimTransaction>;
}

const IDEMPOTENCY_WINDOW_MS = 5 * 60_000;
const ORDER_ID = /^[A-Za-z0-9\-_.~]{1,50}$/;

// -------------------------------------------------------------------------------------------------
// tokenization
// -------------------------------------------------------------------------------------------------

/** `GET /v2/token`: checks the client key and the card, and issues a single-use token. */
export const token = (ctx: SimContext, q: Readonly<Record<string, string | undefined>>): ApiReply => {
  const clientKey = q['client_key'];
  const expected = ctx.config.clientKey;
  if (clientKey === undefined || clientKey === '' || (expected !== undefined && clientKey !== expected))
    return errorReply('401', 'Access denied, please check client or server key', 401);
  const messages: string[] = [];
  const digits = normalizeCardNumber(q['card_number'] ?? '');
  if (digits === '') messages.push('card_number is required');
  else if (!isAcceptableCardNumber(digits)) messages.push('card_number is invalid');
  const month = Number(q['card_exp_month']);
  const rawYear = Number(q['card_exp_year']);
  if (!Number.isInteger(month) || month < 1 || month > 12) messages.push('card_exp_month must be between 01 and 12');
  if (!Number.isInteger(rawYear) || rawYear < 0) messages.push('card_exp_year is invalid');
  else {
    const year = rawYear < 100 ? 2000 + rawYear : rawYear;
    const now = new Date(ctx.st.now);
    if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)) messages.push('card is expired');
  }
  const cvv = q['card_cvv'] ?? '';
  if (!/^\d{3,4}$/.test(cvv)) messages.push('card_cvv must be 3 or 4 digits');
  if (messages.length > 0) return validationError(messages);
  const id = `${digits.slice(0, 6)}-${digits.slice(-4)}-${ctx.st.ids.uuid()}`;
  ctx.st.tokens.set(id, { digits, used: false });
  return {
    httpStatus: 200,
    body: {
      status_code: '200',
      status_message: 'Credit card token is created as Token ID.',
      token_id: id,
      hash: `${digits.slice(0, 6)}-${digits.slice(-4)}-${cardFor(digits).brand}`,
      redirect_url: null,
    },
  };
};

// -------------------------------------------------------------------------------------------------
// the charge
// -------------------------------------------------------------------------------------------------

const chargeCode = (tx: SimTransaction): string => (tx.status === 'deny' ? '202' : tx.fraud === 'challenge' ? '201' : '200');

const chargeMessage = (tx: SimTransaction): string =>
  tx.status === 'deny'
    ? tx.fraud === 'deny'
      ? 'Denied by FDS'
      : `Deny by Bank [${tx.card.bank.toUpperCase()}] with code [05] and message [Do not honor]`
    : tx.fraud === 'challenge'
      ? 'Challenge by FDS'
      : 'Success, Credit Card transaction is successful';

/** `POST /v2/charge` (credit_card): a new transaction, pending on its 3DS page or decided at once. */
export const charge = (ctx: SimContext, body: unknown): ApiReply => {
  const st = ctx.st;
  if (!isRecord(body)) return validationError(['payment_type is required', 'transaction_details is required']);
  const paymentType = body['payment_type'];
  if (paymentType === undefined) return validationError(['payment_type is required']);
  if (paymentType !== 'credit_card')
    return errorReply('402', `Merchant doesn't have access for this payment type (the simulator speaks credit_card only, got ${JSON.stringify(paymentType)})`);
  const td = body['transaction_details'];
  const messages: string[] = [];
  const orderId = isRecord(td) ? td['order_id'] : undefined;
  if (typeof orderId !== 'string' || !ORDER_ID.test(orderId))
    messages.push('transaction_details.order_id is required: up to 50 letters, digits, -, _, ~ or .');
  const gross = isRecord(td) ? wholeAmount(td['gross_amount'], 'transaction_details.gross_amount') : left('transaction_details.gross_amount is required');
  if (isLeft(gross)) messages.push(gross.left);
  const cc = body['credit_card'];
  if (!isRecord(cc)) messages.push('credit_card is required');
  if (messages.length > 0 || isLeft(gross) || typeof orderId !== 'string' || !isRecord(cc)) return validationError(messages);
  const tokenId = cc['token_id'];
  const tok = typeof tokenId === 'string' ? st.tokens.get(tokenId) : undefined;
  if (tok === undefined || tok.used) return errorReply('411', 'Token id is missing, invalid, or timed out');
  const previous = lookup(ctx, orderId);
  if (previous !== undefined && previous.orderId === orderId && !RETRYABLE_ENDINGS.includes(previous.status))
    return errorReply('406', 'The request could not be completed due to a conflict with the current state of the target resource, please try again', 200, {
      validation_messages: ['transaction_details.order_id has already been utilized'],
    });
  tok.used = true;
  const c = cardFor(tok.digits);
  const auth = cc['authentication'];
  const threeDs = auth === true || (auth !== false && c.enrolled);
  const tx: SimTransaction = {
    transactionId: st.ids.uuid(),
    orderId,
    card: c,
    cardNumber: tok.digits,
    threeDs,
    preauth: cc['type'] === 'authorize',
    authorizedAmount: gross.right,
    grossAmount: gross.right,
    status: 'pending',
    fraud: undefined,
    transactionTime: st.now,
    expiryTime: threeDs ? st.now + THREE_DS_WINDOW_MS : undefined,
    captureTime: undefined,
    settlementTime: undefined,
    refunds: [],
    approvalCode: undefined,
    channelResponse: { code: '', message: '' },
    history: [],
  };
  st.txs.set(tx.transactionId, tx);
  st.orders.set(orderId, [...(st.orders.get(orderId) ?? []), tx.transactionId]);
  if (threeDs) {
    move(ctx, tx, 'pending', 'accept');
    return {
      httpStatus: 200,
      body: {
        ...withoutSignature(statement(ctx.config, tx, '201', 'Success, Credit Card transaction is successful')),
        redirect_url: `${ctx.config.publicUrl}/v2/token/rba/redirect/${tx.transactionId}`,
      },
    };
  }
  decide(ctx, tx);
  return { httpStatus: 200, body: withoutSignature(statement(ctx.config, tx, chargeCode(tx), chargeMessage(tx))) };
};

// -------------------------------------------------------------------------------------------------
// the 3DS page
// -------------------------------------------------------------------------------------------------

/** The 3DS page of a transaction: open while it is pending. */
export const threeDs = (ctx: SimContext, tid: string): ThreeDsView => {
  const tx = ctx.st.txs.get(tid);
  if (tx === undefined || !tx.threeDs) return { kind: 'unknown' };
  return { kind: tx.status === 'pending' ? 'open' : 'closed', transaction: tx };
};

/** Completes the 3DS page: OTP 112233 lets the card decide; any other OTP denies. */
export const completeThreeDs = (ctx: SimContext, tid: string, otp: string): ThreeDsView => {
  const view = threeDs(ctx, tid);
  const tx = ctx.st.txs.get(tid);
  if (view.kind !== 'open' || tx === undefined) return view;
  if (otp === SANDBOX_OTP) decide(ctx, tx);
  else {
    tx.channelResponse = { code: '', message: '3DS authentication failed: wrong OTP' };
    move(ctx, tx, 'deny');
  }
  return { kind: 'closed', transaction: tx };
};

// -------------------------------------------------------------------------------------------------
// idempotency
// -------------------------------------------------------------------------------------------------

/** Replays the stored answer to a POST with a known `Idempotency-Key` (5 minutes), else computes and stores a successful one. */
export const idempotent = (ctx: SimContext, key: string | undefined, compute: () => ApiReply): ApiReply => {
  const st = ctx.st;
  if (key === undefined || key === '') return compute();
  for (const [k, v] of st.idempotency) if (st.now - v.at > IDEMPOTENCY_WINDOW_MS) st.idempotency.delete(k);
  const seen = st.idempotency.get(key);
  if (seen !== undefined) return seen.reply;
  const reply = compute();
  const code = reply.body['status_code'];
  if (reply.httpStatus < 300 && (code === '200' || code === '201' || code === '202' || code === '407'))
    st.idempotency.set(key, { at: st.now, reply });
  return reply;
};
