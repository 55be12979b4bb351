/**
 * Saved cards (one-click and two-clicks): `GET /v2/card/register`, the `saved_token_id` a charge
 * with `credit_card.save_token_id` issues once the card is authorized or captured, the lookup of a
 * saved token at charge time (unknown or past the card's expiry: the token error), and card point
 * inquiry, which every sandbox test card answers as a card without reward points.
 *
 * Sources: https://docs.midtrans.com/reference/register-card,
 * https://docs.midtrans.com/reference/card-feature-one-click,
 * https://docs.midtrans.com/reference/card-feature-two-clicks,
 * https://docs.midtrans.com/reference/point-inquiry.
 */
import { cardExpiresAt, maskCard, readCard, type CardInput } from './cards';
import { formatMidtransTime } from './midtransTime';
import { errorReply, validationError, type ApiReply } from './replies';
import type { SavedToken, SimContext, SimTransaction } from './state';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The answer to an unknown, used or expired token (status code 411). */
export const tokenError = (): ApiReply => errorReply('411', 'Token id is missing, invalid, or timed out');

/** The client-key check of the browser-side card endpoints (`/v2/token`, `/v2/card/register`). */
export const clientKeyRefused = (ctx: SimContext, clientKey: string | undefined): ApiReply | undefined => {
  const expected = ctx.config.clientKey;
  return clientKey === undefined || clientKey === '' || (expected !== undefined && clientKey !== expected)
    ? errorReply('401', 'Access denied, please check client or server key', 401)
    : undefined;
};

/** A new saved token for a card, shaped like Midtrans' (`481111xDUgxnnredRMAXuklkvAON1114`). */
const saveCard = (ctx: SimContext, card: CardInput): SavedToken => {
  let middle = '';
  for (let i = 0; i < 22; i++) middle += ALNUM[ctx.st.ids.int(0, ALNUM.length - 1)];
  const saved: SavedToken = { id: `${card.digits.slice(0, 6)}${middle}${card.digits.slice(-4)}`, card, expiresAt: cardExpiresAt(card) };
  ctx.st.savedTokens.set(saved.id, saved);
  return saved;
};

/** The fields a transaction's answers carry once its card is saved. */
export const savedTokenFields = (tx: SimTransaction): Readonly<Record<string, string>> =>
  tx.savedToken === undefined
    ? {}
    : { saved_token_id: tx.savedToken.id, saved_token_id_expired_at: formatMidtransTime(tx.savedToken.expiresAt) };

/** Saves the card of a transaction that asked for it, once (called when the card is authorized or captured). */
export const saveCardOf = (ctx: SimContext, tx: SimTransaction): void => {
  if (!tx.saveToken || tx.savedToken !== undefined) return;
  tx.savedToken = saveCard(ctx, { digits: tx.cardNumber, ...tx.cardExpiry });
};

/** A saved token usable now, or undefined (unknown, or past the card's expiry). */
export const liveSavedToken = (ctx: SimContext, id: unknown): SavedToken | undefined => {
  const saved = typeof id === 'string' ? ctx.st.savedTokens.get(id) : undefined;
  return saved === undefined || ctx.st.now > saved.expiresAt ? undefined : saved;
};

/** `GET /v2/card/register`: checks the client key and the card, and saves it. */
export const registerCard = (ctx: SimContext, q: Readonly<Record<string, string | undefined>>): ApiReply => {
  const refused = clientKeyRefused(ctx, q['client_key']);
  if (refused !== undefined) return refused;
  const read = readCard(q, ctx.st.now, 'optional');
  if (!read.ok) return validationError(read.messages);
  const saved = saveCard(ctx, read.card);
  return {
    httpStatus: 200,
    body: {
      status_code: '200',
      saved_token_id: saved.id,
      transaction_id: ctx.st.ids.uuid(),
      masked_card: maskCard(saved.card.digits),
      saved_token_id_expired_at: formatMidtransTime(saved.expiresAt),
    },
  };
};

/**
 * `GET /v2/point_inquiry/{token_id}`: a token (single-use or saved) of a card without reward
 * points answers 402, as the sandbox does for its test cards; an unknown token answers 411.
 */
export const pointInquiry = (ctx: SimContext, tokenId: string, q: Readonly<Record<string, string | undefined>>): ApiReply => {
  const gross = q['gross_amount'];
  if (gross !== undefined && !/^[1-9]\d{0,15}$/.test(gross)) return validationError(['gross_amount must be a positive whole number']);
  const issued = ctx.st.tokens.get(tokenId);
  const known = (issued !== undefined && !issued.used) || liveSavedToken(ctx, tokenId) !== undefined;
  if (!known) return tokenError();
  return errorReply('402', 'Point inquiry is not available: the card has no reward points with this merchant');
};
