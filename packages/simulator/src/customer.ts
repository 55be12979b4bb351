/**
 * What the customer's browser does against Midtrans (or the simulator): tokenize a card (or a
 * saved card plus CVV) with the client key, and complete the 3DS page with an OTP. For scripts and tests; a merchant backend never
 * sees card numbers.
 */
import { tryCatchTask, type TaskEither } from './either';

export interface CardDetails {
  readonly card_number: string;
  readonly card_exp_month?: string;
  readonly card_exp_year?: string;
  readonly card_cvv?: string;
}

const failure = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** `GET /v2/token`: a single-use `token_id` for the card (expiry 12/2030 and CVV 123 by default). */
export const cardToken = (baseUrl: string, card: CardDetails | string, clientKey = 'SB-Mid-client-SIMULATOR'): TaskEither<string, string> =>
  tryCatchTask(async () => {
    const c = typeof card === 'string' ? { card_number: card } : card;
    const q = new URLSearchParams({
      card_number: c.card_number,
      card_exp_month: c.card_exp_month ?? '12',
      card_exp_year: c.card_exp_year ?? '2030',
      card_cvv: c.card_cvv ?? '123',
      client_key: clientKey,
    });
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/v2/token?${q.toString()}`, { headers: { accept: 'application/json' } });
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body['token_id'] !== 'string') throw new Error(`no token: ${String(body['status_code'])} ${String(body['status_message'])}`);
    return body['token_id'];
  }, failure);

/** `GET /v2/token` for a saved card (two-clicks): the saved token plus the CVV give a single-use `token_id`. */
export const savedCardToken = (baseUrl: string, savedTokenId: string, cvv = '123', clientKey = 'SB-Mid-client-SIMULATOR'): TaskEither<string, string> =>
  tryCatchTask(async () => {
    const q = new URLSearchParams({ token_id: savedTokenId, two_click: 'true', card_cvv: cvv, client_key: clientKey });
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/v2/token?${q.toString()}`, { headers: { accept: 'application/json' } });
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body['token_id'] !== 'string') throw new Error(`no token: ${String(body['status_code'])} ${String(body['status_message'])}`);
    return body['token_id'];
  }, failure);

/** POSTs the OTP to a charge's `redirect_url` (sandbox OTP 112233); resolves to the transaction_status the page reports. */
export const completeThreeDs = (redirectUrl: string, otp = '112233'): TaskEither<string, string> =>
  tryCatchTask(async () => {
    const res = await fetch(redirectUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ otp }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body['transaction_status'] !== 'string') throw new Error(`3DS page answered ${res.status}: ${String(body['status_message'])}`);
    return body['transaction_status'];
  }, failure);
