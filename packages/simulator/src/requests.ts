/**
 * What starts a payment: card tokenization (`GET /v2/token`, also for a saved card plus CVV), the
 * charge (after its validation, with a single-use or a saved token), the 3DS page the customer completes, and the Idempotency-Key window every POST goes through.
 */
import { cardFor, isCvv, readCard, SANDBOX_OTP, type CardInput } from './cards';
import { validateCharge } from './chargeValidation';
import { THREE_DS_WINDOW_MS } from './clock';
import { errorReply, validationError, type ApiReply } from './replies';
import { clientKeyRefused, liveSavedToken, tokenError } from './savedCards';
import { statement, withoutSignature } from './statement';
import { lookup, type IssuedToken, type SavedToken, type SimContext, type SimTransaction } from './state';
import { RETRYABLE_ENDINGS } from './status';
import { decide, move } from './transitions';

export interface ThreeDsView {
  readonly kind: 'unknown' | 'open' | 'closed';
  readonly transaction?: Readonly<SimTransaction>;
}

const IDEMPOTENCY_WINDOW_MS = 5 * 60_000;

// -------------------------------------------------------------------------------------------------
// tokenization
// -------------------------------------------------------------------------------------------------

/**
 * `GET /v2/token`: checks the client key and the card, and issues a single-use token. With
 * `token_id` (a saved token) and `card_cvv` instead of the card, it issues the single-use token of
 * a two-clicks charge (https://docs.midtrans.com/reference/card-feature-two-clicks).
 */
export const token = (ctx: SimContext, q: Readonly<Record<string, string | undefined>>): ApiReply => {
  const refused = clientKeyRefused(ctx, q['client_key']);
  if (refused !== undefined) return refused;
  const savedId = q['token_id'];
  let card: CardInput;
  if (savedId !== undefined && savedId !== '') {
    if (!isCvv(q['card_cvv'] ?? '')) return validationError(['card_cvv must be 3 or 4 digits']);
    const saved = liveSavedToken(ctx, savedId);
    if (saved === undefined) return tokenError();
    card = saved.card;
  } else {
    const read = readCard(q, ctx.st.now, 'required');
    if (!read.ok) return validationError(read.messages);
    card = read.card;
  }
  const digits = card.digits;
  const id = `${digits.slice(0, 6)}-${digits.slice(-4)}-${ctx.st.ids.uuid()}`;
  ctx.st.tokens.set(id, { card, used: false, twoClicks: savedId !== undefined && savedId !== '' });
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

/** The `id` Midtrans puts on a charge's validation and duplicate-order answers. */
const errorId = (ctx: SimContext): string => {
  const n = ctx.st.nextErrorId++;
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
};

/** How the charge's card came: a single-use token (fresh or two-clicks), or a saved token (one-click). */
type ChargeCard = { readonly kind: 'token'; readonly token: IssuedToken } | { readonly kind: 'saved'; readonly saved: SavedToken };

const cardOfCharge = (ctx: SimContext, tokenId: unknown): ChargeCard | undefined => {
  const tok = typeof tokenId === 'string' ? ctx.st.tokens.get(tokenId) : undefined;
  if (tok !== undefined) return tok.used ? undefined : { kind: 'token', token: tok };
  const saved = liveSavedToken(ctx, tokenId);
  return saved === undefined ? undefined : { kind: 'saved', saved };
};

/** Whether `bins` / `whitelist_bins` lets the card through (a number prefix, or the acquiring bank's name). */
const binsAllow = (cc: Readonly<Record<string, unknown>>, digits: string): boolean => {
  const bins = cc['bins'] ?? cc['whitelist_bins'];
  if (!Array.isArray(bins)) return true;
  const bank = cardFor(digits).bank;
  return bins.some((b) => typeof b === 'string' && (/^\d+$/.test(b) ? digits.startsWith(b) : b === bank));
};

/** `POST /v2/charge` (credit_card): a new transaction, pending on its 3DS page or decided at once. */
export const charge = (ctx: SimContext, body: unknown): ApiReply => {
  const st = ctx.st;
  const valid = validateCharge(body);
  if (!valid.ok) return validationError(valid.messages, { id: errorId(ctx) });
  const { paymentType, orderId, gross, creditCard: cc } = valid.value;
  if (paymentType !== 'credit_card')
    return errorReply('402', `Merchant doesn't have access for this payment type (the simulator speaks credit_card only, got ${JSON.stringify(paymentType)})`);
  const source = cardOfCharge(ctx, cc['token_id']);
  if (source === undefined) return tokenError();
  const previous = lookup(ctx, orderId);
  if (previous !== undefined && previous.orderId === orderId && !RETRYABLE_ENDINGS.includes(previous.status))
    return errorReply('406', 'The request could not be completed due to a conflict with the current state of the target resource, please try again', 200, {
      id: errorId(ctx),
      validation_messages: ['transaction_details.order_id has already been utilized'],
    });
  const card = source.kind === 'token' ? source.token.card : source.saved.card;
  if (!binsAllow(cc, card.digits))
    return validationError([`credit_card.${cc['bins'] !== undefined ? 'bins' : 'whitelist_bins'} does not allow this card`], { id: errorId(ctx) });
  if (source.kind === 'token') source.token.used = true;
  const c = cardFor(card.digits);
  const auth = cc['authentication'];
  // One-click charges skip 3DS; a two-clicks token asks for it unless the charge says otherwise.
  const threeDs =
    source.kind === 'saved' ? false : source.token.twoClicks ? auth !== false : auth === true || (auth !== false && c.enrolled);
  const tx: SimTransaction = {
    transactionId: st.ids.uuid(),
    orderId,
    card: c,
    cardNumber: card.digits,
    cardExpiry: { expMonth: card.expMonth, expYear: card.expYear },
    threeDs,
    preauth: cc['type'] === 'authorize',
    authorizedAmount: gross,
    grossAmount: gross,
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
    saveToken: cc['save_token_id'] === true && source.kind === 'token',
    savedToken: undefined,
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
