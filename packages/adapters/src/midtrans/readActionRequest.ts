/** The request body of a recorded action (refund, capture): what was asked for, in domain words. */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { fromUnits } from '@paystate/engine';
import type { ActionName, ActionRequest, Money } from '@paystate/engine';
import { CaptureRequestBody, RefundRequestBody, decodeWith } from './codecs';
import type { RequestInfo } from './codecs';
import { underPath } from './decodeError';
import type { DecodeError } from './decodeError';
import { money, opt, rendered, type Mapped } from './mapped';

const { right } = E;

export interface ReadRequest {
  readonly request: ActionRequest;
  /** The capture body's transaction_id. */
  readonly targetId?: string;
}

const requestBody = <A>(decode: (u: unknown) => E.Either<readonly DecodeError[], A>, body: unknown): Mapped<A> =>
  pipe(
    decode(body),
    E.mapLeft((errors) => rendered(underPath('request.body', errors))),
  );

const optionalUnits = (path: string, units: number | undefined): Mapped<Money | undefined> =>
  units === undefined ? right(undefined) : money(path, fromUnits(units));

export const readActionRequest = (action: ActionName, request: RequestInfo | undefined): Mapped<ReadRequest> => {
  const body = request?.body;
  if (body === undefined) return right({ request: {} });
  switch (action) {
    case 'refund':
    case 'direct_refund':
      return pipe(
        requestBody(decodeWith(RefundRequestBody), body),
        E.chain((b) =>
          pipe(
            optionalUnits('request.body.amount', b.amount),
            E.map((amount): ReadRequest => ({
              request: { ...opt('amount', amount), ...opt('refundKey', b.refund_key) },
            })),
          ),
        ),
      );
    case 'capture':
      return pipe(
        requestBody(decodeWith(CaptureRequestBody), body),
        E.chain((b) =>
          pipe(
            optionalUnits('request.body.gross_amount', b.gross_amount),
            E.map((amount): ReadRequest => ({ request: { ...opt('amount', amount) }, targetId: b.transaction_id })),
          ),
        ),
      );
    case 'approve':
    case 'deny':
    case 'cancel':
    case 'expire':
      return right({ request: {} });
  }
};
