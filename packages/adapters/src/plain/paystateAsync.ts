/**
 * The embedding API with Promises, for hosts that do not use fp-ts: the same calls as
 * `createPaystate`, where a failure is a rejected promise with a PaystateError instead of a Left.
 */
import type { IngestResult } from '../ingest/ingest';
import { createPaystate, type Payment, type Paystate, type PaystateOptions } from '../ingest/paystate';
import type { BusinessChange, SubscribeOptions, Subscription } from '../ingest/subscription';
import { settle } from './paystateError';

export interface PaystateAsync {
  /** Records the charge request you sent and, when you have it, Midtrans' answer. */
  recordCharge(request: unknown, response?: unknown): Promise<IngestResult>;
  /** Records a notification body exactly as received (its signature is verified first). */
  ingestNotification(rawBody: string | Buffer): Promise<IngestResult>;
  /** The payment's state and business answers, by order_id (or Midtrans transaction_id); undefined for an unknown order. */
  payment(orderId: string): Promise<Payment | undefined>;
  /** Hands each business change to the handler, in stream order per order, at least once; the processes of one subscriberId share the work (see SubscribeOptions). */
  subscribe(handler: (change: BusinessChange) => Promise<void>, options: SubscribeOptions): Subscription;
  /** The fp-ts API underneath (same store, same ingestion service): `fp.close()`, `fp.ingest(...)`, `fp.store`. */
  readonly fp: Paystate;
}

/** Every method resolves to what the fp-ts method's Right holds, or rejects with a PaystateError whose `code` is its Left's tag. */
export const createPaystateAsync = (options: PaystateOptions): PaystateAsync => {
  const fp = createPaystate(options);
  const { serverKey } = options;
  return {
    fp,
    recordCharge: (request, response) => settle(fp.recordCharge(request, response), serverKey),
    ingestNotification: (rawBody) => settle(fp.ingestNotification(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody), serverKey),
    payment: (orderId) => settle(fp.payment(orderId), serverKey),
    subscribe: (handler, opts) => fp.subscribe(handler, opts),
  };
};

/** The fp-ts API or the Promise API, for functions that take either (the webhook handlers). */
export type PaystateApi<K extends keyof Paystate> = Pick<Paystate, K> | { readonly fp: Pick<Paystate, K> };

/** The fp-ts API of either form. */
export const fpApi = <K extends keyof Paystate>(paystate: PaystateApi<K>): Pick<Paystate, K> => ('fp' in paystate ? paystate.fp : paystate);
