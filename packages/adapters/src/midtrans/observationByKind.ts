/** One function per observation kind: a decoded replay line to its engine observation, or the reason it is `invalid`. */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { fromUnits, isActionName, isTransactionStatus } from '@paystate/engine';
import type { ActionName, Notification, Observation } from '@paystate/engine';
import {
  Callback3dsBody,
  ChargeRequestBody,
  DeadlinePassedBody,
  decodeActionResponse,
  decodeChargeResponse,
  decodeNotification,
  decodeStatusResponse,
  decodeWith,
} from './codecs';
import type { ReplayLine } from './codecs';
import { describeFound } from './decodeError';
import { ACTION_PATHS, STATUS_PATH, idFromPath } from './idFromPath';
import { fieldAt, money, nonEmpty, opt, rendered, type Mapped } from './mapped';
import { readActionRequest } from './readActionRequest';
import { readAnswer, toReport } from './readAnswer';
import { verifySignature } from './signature';

// Bound once: run through tsx (CommonJS), every `E.x(...)` is an accessor call on a module object,
// and this module runs for every observation.
const { isLeft, left, right } = E;

type Line = ReplayLine;

const receivedAtOf = (l: Line) => opt('receivedAt', l.received_at);

const chargeRequest = (l: Line): Mapped<Observation> =>
  pipe(
    decodeWith(ChargeRequestBody)(l.payload),
    E.mapLeft(rendered),
    E.chain((b) =>
      pipe(
        money('transaction_details.gross_amount', fromUnits(b.transaction_details.gross_amount)),
        E.map(
          (grossAmount): Observation => ({
            kind: 'charge_request',
            orderId: b.transaction_details.order_id,
            grossAmount,
            ...receivedAtOf(l),
          }),
        ),
      ),
    ),
  );

const chargeResponse = (l: Line): Mapped<Observation> =>
  pipe(
    readAnswer(decodeChargeResponse, l.payload),
    E.map(
      ({ answer, orderId }): Observation => ({
        kind: 'charge_response',
        ...opt('orderId', orderId ?? nonEmpty(fieldAt(l.request?.body, 'transaction_details', 'order_id'))),
        answer,
        ...receivedAtOf(l),
      }),
    ),
  );

const notification = (l: Line, serverKey: string): Mapped<Observation> => {
  const decoded = decodeNotification(l.payload);
  if (isLeft(decoded)) return left(rendered(decoded.left));
  const b = decoded.right;
  const signed = verifySignature(b, serverKey);
  if (isLeft(signed)) return left(signed.left.message);
  const report = toReport(b);
  if (isLeft(report)) return report;
  const n: Notification = { kind: 'notification', orderId: b.order_id, report: report.right };
  // Confirm mode is written down with the notification; absent, it was folded in signature mode.
  return right({ ...n, ...(l.received_at !== undefined ? { receivedAt: l.received_at } : {}), ...(l.mode === 'confirm' ? { mode: 'confirm' as const } : {}) });
};

const statusResponse = (l: Line): Mapped<Observation> =>
  pipe(
    E.Do,
    E.apS('read', readAnswer(decodeStatusResponse, l.payload)),
    E.apS('targetId', idFromPath(l.request, STATUS_PATH)),
    E.map(
      ({ read, targetId }): Observation => ({
        kind: 'status_response',
        ...opt('orderId', read.orderId),
        ...opt('targetId', targetId),
        answer: read.answer,
        ...receivedAtOf(l),
      }),
    ),
  );

const actionOf = (l: Line): Mapped<ActionName> =>
  isActionName(l.action)
    ? right(l.action)
    : left(
        l.action === undefined
          ? 'action: missing (an action_response names its action: approve|deny|cancel|expire|capture|refund|direct_refund)'
          : `action: expected one of approve|deny|cancel|expire|capture|refund|direct_refund, got ${describeFound(l.action)}`,
      );

const actionResponse = (l: Line): Mapped<Observation> =>
  pipe(
    actionOf(l),
    E.chain((action) =>
      pipe(
        E.Do,
        E.apS('read', readAnswer(decodeActionResponse, l.payload)),
        E.apS('pathId', idFromPath(l.request, ACTION_PATHS[action])),
        E.apS('req', readActionRequest(action, l.request)),
        E.map(
          ({ read, pathId, req }): Observation => ({
            kind: 'action_response',
            action,
            ...opt('orderId', read.orderId),
            ...opt('targetId', pathId ?? req.targetId),
            request: req.request,
            answer: read.answer,
            ...receivedAtOf(l),
          }),
        ),
      ),
    ),
  );

const callback3ds = (l: Line): Mapped<Observation> =>
  pipe(
    decodeWith(Callback3dsBody)(l.payload),
    E.mapLeft(rendered),
    E.map((b): Observation => {
      const status = fieldAt(l.payload, 'transaction_status');
      return {
        kind: 'callback_3ds',
        orderId: b.order_id,
        ...opt('transactionId', nonEmpty(fieldAt(l.payload, 'transaction_id'))),
        ...opt('status', isTransactionStatus(status) ? status : undefined),
        ...receivedAtOf(l),
      };
    }),
  );

const deadlinePassed = (l: Line): Mapped<Observation> =>
  pipe(
    decodeWith(DeadlinePassedBody)(l.payload),
    E.mapLeft(rendered),
    E.map(
      (b): Observation => ({
        kind: 'deadline_passed',
        orderId: b.order_id,
        ...opt('transactionId', b.transaction_id),
        deadline: b.deadline,
        reason: b.reason,
        ...receivedAtOf(l),
      }),
    ),
  );

export const byKind = (l: Line, serverKey: string): Mapped<Observation> => {
  switch (l.kind) {
    case 'charge_request':
      return chargeRequest(l);
    case 'charge_response':
      return chargeResponse(l);
    case 'notification':
      return notification(l, serverKey);
    case 'status_response':
      return statusResponse(l);
    case 'action_response':
      return actionResponse(l);
    case 'callback_3ds':
      return callback3ds(l);
    case 'deadline_passed':
      return deadlinePassed(l);
  }
};
