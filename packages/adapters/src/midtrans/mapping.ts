/**
 * Replay lines (DOMAIN §9) to engine observations: the only place Midtrans field names meet domain
 * names. Every input gives an observation; what cannot be trusted or read becomes `invalid`, with
 * the order it names (so the engine can flag a known order) and a reason naming the field.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { isActionName } from '@paystate/engine';
import type { ActionName } from '@paystate/engine';
import { amountMinor, fromUnits, parseAmount } from '@paystate/engine';
import type { Money } from '@paystate/engine';
import { OBSERVATION_KINDS } from '@paystate/engine';
import type { ActionRequest, Reply, ApiError, Invalid, Observation, ObservationKind, RefundEntry, StatusReport } from '@paystate/engine';
import { isTransactionStatus } from '@paystate/engine';
import {
  Callback3dsBody,
  CaptureRequestBody,
  ChargeRequestBody,
  DeadlinePassedBody,
  RefundRequestBody,
  ReplayLine,
  decodeActionResponse,
  decodeChargeResponse,
  decodeNotification,
  decodeStatusResponse,
  decodeWith,
} from './codecs';
import type { ApiAnswer, ErrorBody, RefundEntryBody, RequestInfo, TransactionBody } from './codecs';
import { describeFound, invalidJson, renderDecodeErrors, underPath } from './decodeError';
import type { DecodeError } from './decodeError';
import { verifySignature } from './signature';

// Bound once: run through tsx (CommonJS), every `E.x(...)` is an accessor call on a module object,
// and this module runs for every observation.
const { isLeft, isRight, left, right } = E;

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export interface MappingOptions {
  /** The Midtrans server key notifications are signed with. Never written into a reason. */
  readonly serverKey: string;
}

/** A failure: the reason an input becomes `invalid`. */
type Mapped<A> = E.Either<string, A>;

/** What is known about a line before it is read properly, for its `invalid` observation. */
interface LineContext {
  readonly received: ObservationKind | 'unknown';
  readonly orderId?: string;
  readonly transactionId?: string;
  readonly targetId?: string;
  readonly receivedAt?: string;
}

/** Reasons starting with this come from an unexpected exception, not from a known check. */
export const UNREADABLE_LINE = 'line: could not be read';

// -------------------------------------------------------------------------------------------------
// small helpers
// -------------------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

const fieldAt = (u: unknown, ...keys: readonly string[]): unknown => {
  let here = u;
  for (const key of keys) {
    if (!isRecord(here) || !Object.prototype.hasOwnProperty.call(here, key)) return undefined;
    here = here[key];
  }
  return here;
};

const nonEmpty = (u: unknown): string | undefined => (typeof u === 'string' && u.length > 0 ? u : undefined);

/** `{ [key]: value }`, or `{}` when the value is absent (exact optional properties). */
const opt = <K extends string, V>(key: K, value: V | undefined): { readonly [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { readonly [P in K]?: V };

const isObservationKind = (u: unknown): u is ObservationKind =>
  typeof u === 'string' && (OBSERVATION_KINDS as readonly string[]).includes(u);

const rendered = (errors: readonly DecodeError[]): string => renderDecodeErrors(errors);

const errorText = (cause: unknown): string => {
  try {
    return cause instanceof Error ? cause.message : String(cause);
  } catch {
    return 'unreadable error';
  }
};

const money = (path: string, parsed: E.Either<string, Money>): Mapped<Money> =>
  isLeft(parsed) ? left(`${path}: ${parsed.left}`) : parsed;

/** Why a string is not an amount, naming the field. */
const amountError = (path: string, s: string): string => {
  const parsed = parseAmount(s);
  return `${path}: ${isLeft(parsed) ? parsed.left : `unexpected amount ${JSON.stringify(s)}`}`;
};

/** An amount string in minor units, or the reason it is none, naming the field. */
const amountAt = (path: string, s: string): Mapped<Money> => {
  const minor = amountMinor(s);
  return minor >= 0 ? right(minor) : left(amountError(path, s));
};

// -------------------------------------------------------------------------------------------------
// invalid observations
// -------------------------------------------------------------------------------------------------

const contextOf = (line: Readonly<Record<string, unknown>>): LineContext => {
  const kind = line['kind'];
  const payload = line['payload'];
  const request = line['request'];
  const receivedAt = line['received_at'];
  return {
    received: isObservationKind(kind) ? kind : 'unknown',
    ...opt(
      'orderId',
      nonEmpty(fieldAt(payload, 'order_id')) ??
        nonEmpty(fieldAt(payload, 'transaction_details', 'order_id')) ??
        nonEmpty(fieldAt(request, 'body', 'transaction_details', 'order_id')),
    ),
    ...opt(
      'transactionId',
      nonEmpty(fieldAt(payload, 'transaction_id')) ?? nonEmpty(fieldAt(request, 'body', 'transaction_id')),
    ),
    ...opt('targetId', targetOfPath(fieldAt(request, 'path'))),
    ...opt('receivedAt', typeof receivedAt === 'string' ? receivedAt : undefined),
  };
};

/** The `{id}` of `/v2/{id}/status|approve|deny|cancel|expire|refund...`, best effort for rejected lines. */
const targetOfPath = (path: unknown): string | undefined => {
  if (typeof path !== 'string') return undefined;
  const m = /^\/v2\/([^/?#]+)\/(?:status|approve|deny|cancel|expire|refund)/.exec(path);
  return m?.[1] !== undefined ? nonEmpty(safeDecode(m[1])) : undefined;
};

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const invalid = (ctx: LineContext, reason: string): Invalid => ({
  kind: 'invalid',
  received: ctx.received,
  ...opt('orderId', ctx.orderId),
  ...opt('transactionId', ctx.transactionId),
  ...opt('targetId', ctx.targetId),
  ...opt('receivedAt', ctx.receivedAt),
  reason,
});

// -------------------------------------------------------------------------------------------------
// reports and answers
// -------------------------------------------------------------------------------------------------

const toRefundEntry = (index: number, r: RefundEntryBody): Mapped<RefundEntry> =>
  pipe(
    amountAt(`refunds.${index}.refund_amount`, r.refund_amount),
    E.map(
      (amount): RefundEntry => ({
        ...opt('key', r.refund_key),
        ...opt('id', r.refund_chargeback_id === undefined ? undefined : String(r.refund_chargeback_id)),
        amount,
      }),
    ),
  );

/** A decoded state statement in domain words (written as early returns: it runs for every notification). */
const toReport = (b: TransactionBody): Mapped<StatusReport> => {
  const gross = amountMinor(b.gross_amount);
  if (gross < 0) return left(amountError('gross_amount', b.gross_amount));
  const report: { -readonly [K in keyof StatusReport]: StatusReport[K] } = {
    transactionId: b.transaction_id,
    status: b.transaction_status,
    statusCode: b.status_code,
    grossAmount: gross,
  };
  if (b.fraud_status !== undefined) report.fraud = b.fraud_status;
  if (b.refund_amount !== undefined) {
    const r = amountAt('refund_amount', b.refund_amount);
    if (isLeft(r)) return r;
    report.refundAmount = r.right;
  }
  if (b.refund_key !== undefined) report.refundKey = b.refund_key;
  if (b.refunds !== undefined) {
    const entries: RefundEntry[] = [];
    for (let i = 0; i < b.refunds.length; i++) {
      const e = toRefundEntry(i, b.refunds[i]!);
      if (isLeft(e)) return e;
      entries.push(e.right);
    }
    report.refunds = entries;
  }
  if (b.chargeback_amount !== undefined) {
    const c = amountAt('chargeback_amount', b.chargeback_amount);
    if (isLeft(c)) return c;
    report.chargebackAmount = c.right;
  }
  if (b.transaction_time !== undefined) report.transactionTime = b.transaction_time;
  if (b.expiry_time !== undefined) report.expiryTime = b.expiry_time;
  if (b.settlement_time !== undefined) report.settlementTime = b.settlement_time;
  return right(report);
};

const toApiError = (b: ErrorBody): ApiError => {
  const details = b.validation_messages !== undefined && b.validation_messages.length > 0
    ? ` (${b.validation_messages.join('; ')})`
    : '';
  const message = b.status_message !== undefined ? `${b.status_message}${details}` : details.trim() || undefined;
  return { statusCode: b.status_code, ...opt('message', message) };
};

interface ReadAnswer {
  readonly answer: Reply;
  /** The order the body names: its `order_id` (success), or one an error body happens to carry. */
  readonly orderId?: string;
}

const readAnswer = <A extends TransactionBody>(
  decode: (u: unknown) => E.Either<readonly DecodeError[], ApiAnswer<A>>,
  payload: unknown,
): Mapped<ReadAnswer> =>
  pipe(
    decode(payload),
    E.mapLeft(rendered),
    E.chain(
      (a): Mapped<ReadAnswer> =>
        'ok' in a
          ? pipe(
              toReport(a.ok),
              E.map((report): ReadAnswer => ({ answer: { report }, orderId: a.ok.order_id })),
            )
          : right({
              answer: { error: toApiError(a.error) },
              ...opt('orderId', nonEmpty(fieldAt(payload, 'order_id'))),
            }),
    ),
  );

// -------------------------------------------------------------------------------------------------
// request paths
// -------------------------------------------------------------------------------------------------

const ID = '{id}';

const STATUS_PATH: readonly string[] = ['v2', ID, 'status'];

const ACTION_PATHS: Readonly<Record<ActionName, readonly string[]>> = {
  approve: ['v2', ID, 'approve'],
  deny: ['v2', ID, 'deny'],
  cancel: ['v2', ID, 'cancel'],
  expire: ['v2', ID, 'expire'],
  refund: ['v2', ID, 'refund'],
  direct_refund: ['v2', ID, 'refund', 'online', 'direct'],
  capture: ['v2', 'capture'],
};

const decodeSegment = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The id in a request path matching the pattern (`undefined` when there is no path or the pattern has no id). */
const idFromPath = (request: RequestInfo | undefined, pattern: readonly string[]): Mapped<string | undefined> => {
  const path = request?.path;
  if (path === undefined) return right(undefined);
  const bare = path
    .replace(/^https?:\/\/[^/]*/i, '')
    .replace(/[?#].*$/s, '')
    .replace(/\/+$/, '');
  const segments = bare.split('/');
  const matches =
    segments[0] === '' &&
    segments.length === pattern.length + 1 &&
    pattern.every((p, i) => {
      const s = segments[i + 1];
      return s !== undefined && (p === ID ? s.length > 0 : s === p);
    });
  if (!matches) {
    return left(`request.path: expected "/${pattern.join('/')}", got ${describeFound(path)}`);
  }
  const at = pattern.indexOf(ID);
  const raw = at < 0 ? undefined : segments[at + 1];
  return right(raw === undefined ? undefined : decodeSegment(raw));
};

// -------------------------------------------------------------------------------------------------
// action requests
// -------------------------------------------------------------------------------------------------

interface ReadRequest {
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

const readActionRequest = (action: ActionName, request: RequestInfo | undefined): Mapped<ReadRequest> => {
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

// -------------------------------------------------------------------------------------------------
// one function per kind
// -------------------------------------------------------------------------------------------------

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
  return right(
    l.received_at === undefined
      ? { kind: 'notification', orderId: b.order_id, report: report.right }
      : { kind: 'notification', orderId: b.order_id, report: report.right, receivedAt: l.received_at },
  );
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

const byKind = (l: Line, serverKey: string): Mapped<Observation> => {
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

// -------------------------------------------------------------------------------------------------
// entry points
// -------------------------------------------------------------------------------------------------

const serverKeyOf = (options: unknown): string => {
  const key = fieldAt(options, 'serverKey');
  return typeof key === 'string' ? key : '';
};

const decodeReplayLine = decodeWith(ReplayLine);

const readLine = (line: unknown, options: MappingOptions): Observation => {
  if (!isRecord(line)) {
    return invalid(
      { received: 'unknown' },
      `line: expected an object {kind, payload, action?, request?, received_at?}, got ${describeFound(line)}`,
    );
  }
  const envelope = decodeReplayLine(line);
  const mapped = isLeft(envelope) ? left(rendered(envelope.left)) : byKind(envelope.right, serverKeyOf(options));
  // The context of a failure (what the line names) is read only when there is one.
  return isRight(mapped) ? mapped.right : invalid(contextOf(line), mapped.left);
};

/** Maps one parsed replay line to an observation; never throws, and anything untrustworthy becomes `invalid`. */
export const toObservation = (line: unknown, options: MappingOptions): Observation => {
  try {
    return readLine(line, options);
  } catch (cause) {
    return invalid({ received: 'unknown' }, `${UNREADABLE_LINE} (${errorText(cause)})`);
  }
};

/** Parses one NDJSON line and maps it; text that is not JSON becomes `invalid` (`body: not valid JSON ...`). */
export const parseReplayLine = (text: string, options: MappingOptions): Observation => {
  if (typeof text !== 'string') {
    return invalid({ received: 'unknown' }, `body: expected JSON text, got ${describeFound(text)}`);
  }
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch (cause) {
    return invalid({ received: 'unknown' }, invalidJson(cause, text).message);
  }
  return toObservation(line, options);
};
