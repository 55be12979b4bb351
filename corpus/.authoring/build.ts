/**
 * Writes the project's own scenario files (corpus/NN-name.json, NN from 60), in the format of the
 * shared samples. Payloads are built here and notifications are signed with the adapter's
 * `signNotification`, so every valid signature_key is right by construction. Expectations are
 * written by hand from DOMAIN.md (never computed by the engine).
 *
 *   cd /work/main && npx tsx corpus/.authoring/build.ts
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signNotification, signatureKey } from '../../packages/adapters/src/midtrans/signature';

type J = Record<string, unknown>;
type Fraud = 'accept' | 'challenge' | 'deny';
type Status =
  | 'pending'
  | 'authorize'
  | 'capture'
  | 'settlement'
  | 'deny'
  | 'cancel'
  | 'expire'
  | 'failure'
  | 'refund'
  | 'partial_refund'
  | 'chargeback'
  | 'partial_chargeback';

const SERVER_KEY = 'SB-Mid-server-TEST';
const MERCHANT = 'G000000001';
const OUT = join(__dirname, '..');

const D = {
  domain: (s: string) => `DOMAIN.md ${s}`,
  cardPage: 'midtrans-docs/000_bb850bf0ac76bd47.txt (card integration: charge 201 pending + redirect_url, 3DS, JS callback is not authoritative)',
  charge: 'midtrans-docs/001_8687c40514d3b1c7.txt (charge on card: 200 capture, 201 challenge, 202 deny, notification samples, settlement next day 16:00)',
  cycle: 'midtrans-docs/002_de9910a811dd38d7.txt (transaction status cycle, fraud status, API actions)',
  status: 'midtrans-docs/003_8fa244e888de14d7.txt (GET status: refund_amount cumulative, refunds[])',
  approve: 'midtrans-docs/004_e481d32f42137c7b.txt (approve transaction)',
  facts: (s: string) => `midtrans-facts.md ${s}`,
};

// -------------------------------------------------------------------------------------------------
// ids, times, cards
// -------------------------------------------------------------------------------------------------

/** A deterministic uuid-v4-looking id. */
const uuid = (seed: string): string => {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = '89ab'[parseInt(h[16]!, 16) % 4]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const fmt = (d: Date): string => d.toISOString().replace('T', ' ').slice(0, 19);
const plusMinutes = (t: string, minutes: number): string => fmt(new Date(Date.parse(`${t.replace(' ', 'T')}Z`) + minutes * 60_000));
const nextDayAt = (t: string, hhmmss: string): string => `${plusMinutes(t, 24 * 60).slice(0, 10)} ${hhmmss}`;

interface Card {
  readonly masked: string;
  readonly bank: string;
}
const CARD = {
  threeDs: { masked: '48111111-1114', bank: 'bni' }, // 4811 1111 1111 1114 full 3DS, accept
  non3ds: { masked: '44111111-1118', bank: 'bni' }, // 4411 1111 1111 1118 attempted, accept
  challenge: { masked: '45111111-1117', bank: 'bni' }, // 4511 1111 1111 1117 challenge by FDS (older docs)
  fdsDeny: { masked: '46111111-1116', bank: 'bni' }, // 4611 1111 1111 1116 denied by FDS
  bankDeny: { masked: '47111111-1115', bank: 'bni' }, // 4711 1111 1111 1115 denied by bank
  bankDeny3ds: { masked: '49111111-1113', bank: 'bni' }, // 4911 1111 1111 1113 full 3DS, denied by bank
  preauth: { masked: '48111111-1114', bank: 'bca' },
  direct: { masked: '52111111-1117', bank: 'bca' }, // 5211 1111 1111 1117 MC full 3DS, accept; BCA acquires (direct refund)
} satisfies Record<string, Card>;

interface Tx {
  readonly order: string;
  readonly id: string;
  readonly gross: string;
  readonly time: string;
  readonly card: Card;
  readonly threeDs: boolean;
  readonly approval: string;
}

const tx = (order: string, n: number, o: { gross?: string; time?: string; card?: Card; threeDs?: boolean } = {}): Tx => {
  const time = o.time ?? '2024-05-14 10:15:20';
  return {
    order,
    id: uuid(`${order}#${n}`),
    gross: o.gross ?? '145000.00',
    time,
    card: o.card ?? CARD.non3ds,
    threeDs: o.threeDs ?? false,
    approval: String(Date.parse(`${time.replace(' ', 'T')}+07:00`) + 3_000 + n),
  };
};

const units = (amount: string): number => Number(amount.split('.')[0]);

// -------------------------------------------------------------------------------------------------
// observations
// -------------------------------------------------------------------------------------------------

const chargeRequest = (t: Tx, o: { authentication: boolean; type?: 'authorize' }): J => ({
  kind: 'charge_request',
  payload: {
    payment_type: 'credit_card',
    transaction_details: { order_id: t.order, gross_amount: units(t.gross) },
    credit_card: {
      token_id: `${t.card.masked.slice(0, 6)}-${t.card.masked.slice(-4)}-${uuid(`${t.order}#token`)}`,
      authentication: o.authentication,
      ...(o.type === undefined ? {} : { type: o.type }),
    },
  },
});

const chargeResponse = (t: Tx, status: 'pending' | 'capture' | 'authorize' | 'deny', fraud: Fraud, o: { gross?: string } = {}): J => {
  const code = status === 'pending' ? '201' : status === 'deny' ? '202' : status === 'capture' && fraud === 'challenge' ? '201' : '200';
  const p: J = {
    status_code: code,
    status_message:
      status === 'deny'
        ? fraud === 'deny'
          ? 'Denied by FDS'
          : `Deny by Bank [${t.card.bank.toUpperCase()}] with code [05] and message [Do not honor]`
        : 'Success, Credit Card transaction is successful',
    transaction_id: t.id,
    order_id: t.order,
    merchant_id: MERCHANT,
    gross_amount: o.gross ?? t.gross,
    currency: 'IDR',
    payment_type: 'credit_card',
    transaction_time: t.time,
    transaction_status: status,
    fraud_status: fraud,
    masked_card: t.card.masked,
    bank: t.card.bank,
    card_type: 'credit',
  };
  if (status === 'pending') {
    Object.assign(p, {
      redirect_url: `https://api.sandbox.midtrans.com/v2/token/rba/redirect/${t.card.masked.slice(0, 6)}-${t.card.masked.slice(-4)}-${t.id}`,
      three_ds_version: '2',
      on_us: true,
      expiry_time: plusMinutes(t.time, 10),
    });
  } else if (status === 'deny') {
    Object.assign(p, { channel_response_code: '05', channel_response_message: 'Do not honor' });
  } else {
    Object.assign(p, {
      approval_code: t.approval,
      eci: t.threeDs ? '05' : '06',
      channel_response_code: '00',
      channel_response_message: 'Approved',
      on_us: true,
    });
    if (status === 'authorize') p['expiry_time'] = plusMinutes(t.time, 7 * 24 * 60);
  }
  return { kind: 'charge_response', payload: p };
};

const DEFAULT_CODE: Record<Status, string> = {
  pending: '201',
  capture: '200',
  authorize: '200',
  settlement: '200',
  refund: '200',
  partial_refund: '200',
  chargeback: '200',
  partial_chargeback: '200',
  deny: '202',
  cancel: '202',
  expire: '202',
  failure: '202',
};

const APPROVED = new Set<Status>(['capture', 'authorize', 'settlement', 'refund', 'partial_refund', 'chargeback', 'partial_chargeback', 'cancel']);
const SETTLED = new Set<Status>(['settlement', 'refund', 'partial_refund', 'chargeback', 'partial_chargeback']);

type Signing =
  | 'valid'
  | 'none'
  | { readonly key: string }
  | { readonly over: { readonly status_code?: string; readonly gross_amount?: string } }
  | { readonly raw: string };

interface NotifOptions {
  readonly code?: string;
  readonly gross?: string;
  readonly extra?: J;
  readonly sign?: Signing;
  /** Changes applied after signing (wrong types, missing fields). */
  readonly mutate?: (p: J) => void;
  readonly order?: string;
}

const refundFields = (amount: string, refunds: readonly J[]): J => ({ refund_amount: amount, refunds });

const notification = (t: Tx, status: Status, fraud: Fraud | null, o: NotifOptions = {}): J => {
  const code = o.code ?? (status === 'capture' && fraud === 'challenge' ? '201' : DEFAULT_CODE[status]);
  const p: J = {
    transaction_time: t.time,
    transaction_status: status,
    transaction_id: t.id,
    status_message: 'midtrans payment notification',
    status_code: code,
    signature_key: '',
    payment_type: 'credit_card',
    order_id: o.order ?? t.order,
    merchant_id: MERCHANT,
    masked_card: t.card.masked,
    gross_amount: o.gross ?? t.gross,
    currency: 'IDR',
    card_type: 'credit',
    bank: t.card.bank,
  };
  if (t.threeDs) p['three_ds_version'] = '2';
  if (fraud !== null) p['fraud_status'] = fraud;
  if (APPROVED.has(status)) {
    Object.assign(p, { eci: t.threeDs ? '05' : '06', approval_code: t.approval, channel_response_code: '00', channel_response_message: 'Approved' });
  } else if (status === 'deny' && fraud !== 'deny') {
    Object.assign(p, { eci: t.threeDs ? '05' : '06', channel_response_code: '05', channel_response_message: 'Do not honor' });
  } else if (status === 'pending') {
    p['expiry_time'] = plusMinutes(t.time, 10);
  }
  if (SETTLED.has(status)) p['settlement_time'] = nextDayAt(t.time, '16:00:00');
  Object.assign(p, o.extra ?? {});
  const sign = o.sign ?? 'valid';
  let signed: J;
  const fields = p as J & { order_id: string; status_code: string; gross_amount: string };
  if (sign === 'valid') signed = signNotification(fields, SERVER_KEY);
  else if (sign === 'none') {
    signed = { ...p };
    delete signed['signature_key'];
  } else if ('key' in sign) signed = signNotification(fields, sign.key);
  else if ('over' in sign) {
    signed = {
      ...p,
      signature_key: signatureKey(fields.order_id, sign.over.status_code ?? fields.status_code, sign.over.gross_amount ?? fields.gross_amount, SERVER_KEY),
    };
  } else signed = { ...p, signature_key: sign.raw };
  o.mutate?.(signed);
  return { kind: 'notification', payload: signed };
};

const statusResponse = (t: Tx, status: Status, fraud: Fraud | null, code: string, o: { extra?: J; mutate?: (p: J) => void; id?: string } = {}): J => {
  const p: J = {
    status_code: code,
    status_message: 'Success, transaction is found',
    transaction_id: t.id,
    masked_card: t.card.masked,
    order_id: t.order,
    payment_type: 'credit_card',
    transaction_time: t.time,
    transaction_status: status,
  };
  if (fraud !== null) p['fraud_status'] = fraud;
  if (APPROVED.has(status)) p['approval_code'] = t.approval;
  Object.assign(p, { signature_key: signatureKey(t.order, code, t.gross, SERVER_KEY), bank: t.card.bank, gross_amount: t.gross });
  if (APPROVED.has(status)) Object.assign(p, { channel_response_code: '00', channel_response_message: 'Approved' });
  Object.assign(p, { card_type: 'credit', currency: 'IDR', merchant_id: MERCHANT });
  if (status === 'expire' || status === 'pending') p['expiry_time'] = plusMinutes(t.time, 10);
  if (SETTLED.has(status)) p['settlement_time'] = nextDayAt(t.time, '16:00:00');
  Object.assign(p, o.extra ?? {});
  o.mutate?.(p);
  return { kind: 'status_response', request: { method: 'GET', path: `/v2/${o.id ?? t.order}/status` }, payload: p };
};

type ActionName = 'approve' | 'deny' | 'cancel' | 'expire' | 'capture' | 'refund' | 'direct_refund';

const actionResponse = (t: Tx, action: ActionName, payload: J, body?: J): J => {
  const path =
    action === 'capture' ? '/v2/capture' : action === 'direct_refund' ? `/v2/${t.order}/refund/online/direct` : `/v2/${t.order}/${action}`;
  return {
    kind: 'action_response',
    action,
    request: body === undefined ? { method: 'POST', path } : { method: 'POST', path, body },
    payload,
  };
};

const errorBody = (code: string): J => {
  const messages: Record<string, string> = {
    '412': 'Merchant cannot modify the status of the transaction',
    '406': 'Duplicate refund ID',
    '414': 'Refund request is rejected due to invalid amount',
    '500': 'Sorry. Our system is recovering from unexpected issues. Please retry.',
  };
  return { status_code: code, status_message: messages[code] ?? 'Error' };
};

const approveOk = (t: Tx): J => ({
  status_code: '200',
  status_message: 'Success, transaction is approved',
  transaction_id: t.id,
  masked_card: t.card.masked,
  order_id: t.order,
  payment_type: 'credit_card',
  transaction_time: t.time,
  transaction_status: 'capture',
  fraud_status: 'accept',
  bank: t.card.bank,
  gross_amount: t.gross,
  approval_code: t.approval,
});

const denyOk = (t: Tx): J => ({
  status_code: '200',
  status_message: 'Success, transaction is denied',
  transaction_id: t.id,
  masked_card: t.card.masked,
  order_id: t.order,
  payment_type: 'credit_card',
  transaction_time: t.time,
  transaction_status: 'deny',
  fraud_status: 'deny',
  bank: t.card.bank,
  gross_amount: t.gross,
});

const cancelOk = (t: Tx, fraud: Fraud): J => ({
  status_code: '200',
  status_message: 'Success, transaction is canceled',
  transaction_id: t.id,
  masked_card: t.card.masked,
  order_id: t.order,
  payment_type: 'credit_card',
  transaction_time: t.time,
  transaction_status: 'cancel',
  fraud_status: fraud,
  bank: t.card.bank,
  gross_amount: t.gross,
});

const expireOk = (t: Tx): J => ({
  status_code: '407',
  status_message: 'Success, transaction has expired',
  transaction_id: t.id,
  masked_card: t.card.masked,
  order_id: t.order,
  merchant_id: MERCHANT,
  payment_type: 'credit_card',
  transaction_time: t.time,
  transaction_status: 'expire',
  bank: t.card.bank,
  gross_amount: t.gross,
  currency: 'IDR',
});

const captureBody = (t: Tx, amount: number): J => ({ transaction_id: t.id, gross_amount: amount });

const captureOk = (t: Tx, gross: string): J => ({
  status_code: '200',
  status_message: 'Success, Credit Card capture transaction is successful',
  transaction_id: t.id,
  masked_card: t.card.masked,
  order_id: t.order,
  payment_type: 'credit_card',
  transaction_time: t.time,
  transaction_status: 'capture',
  fraud_status: 'accept',
  bank: t.card.bank,
  gross_amount: gross,
  eci: t.threeDs ? '05' : '06',
  channel_response_code: '0',
  channel_response_message: 'Approved',
  currency: 'IDR',
  card_type: 'credit',
});

const captureDeclined = (t: Tx, gross: string): J => ({
  status_code: '202',
  status_message: `Deny by Bank [${t.card.bank.toUpperCase()}] with code [05] and message [Do not honor]`,
  transaction_id: t.id,
  masked_card: t.card.masked,
  order_id: t.order,
  payment_type: 'credit_card',
  transaction_time: t.time,
  transaction_status: 'deny',
  fraud_status: 'accept',
  bank: t.card.bank,
  gross_amount: gross,
  channel_response_code: '05',
  channel_response_message: 'Do not honor',
  currency: 'IDR',
  card_type: 'credit',
});

const refundBody = (key: string, amount: number, reason = 'customer request'): J => ({ refund_key: key, amount, reason });

const refundOk = (t: Tx, status: 'refund' | 'partial_refund', amount: string, key: string, id: number, direct = false): J => ({
  status_code: '200',
  status_message: direct ? 'Success, refund request is approved by the bank' : 'Success, refund request is approved',
  transaction_id: t.id,
  masked_card: t.card.masked,
  order_id: t.order,
  payment_type: 'credit_card',
  transaction_time: t.time,
  transaction_status: status,
  bank: t.card.bank,
  gross_amount: t.gross,
  refund_chargeback_id: id,
  refund_amount: amount,
  refund_key: key,
  settlement_time: nextDayAt(t.time, '16:00:00'),
});

const directRefundDeclined = (t: Tx, key: string): J => ({
  status_code: '202',
  status_message: 'Refund denied by the bank',
  transaction_id: t.id,
  masked_card: t.card.masked,
  order_id: t.order,
  payment_type: 'credit_card',
  transaction_time: t.time,
  transaction_status: 'settlement',
  bank: t.card.bank,
  gross_amount: t.gross,
  refund_amount: '0.00',
  refund_key: key,
  settlement_time: nextDayAt(t.time, '16:00:00'),
});

const refundEntry = (id: number, amount: string, key: string, createdAt: string, o: { method?: string; confirmed?: string; reason?: string } = {}): J => ({
  refund_chargeback_id: id,
  refund_amount: amount,
  created_at: createdAt,
  reason: o.reason ?? 'customer request',
  refund_key: key,
  ...(o.method === undefined ? {} : { refund_method: o.method }),
  ...(o.confirmed === undefined ? {} : { bank_confirmed_at: o.confirmed }),
});

const callback3ds = (t: Tx, status: 'capture' | 'deny'): J => ({
  kind: 'callback_3ds',
  note: 'frontend callback (MidtransNew3ds.authenticate onSuccess): not authoritative',
  payload: {
    status_code: status === 'capture' ? '200' : '202',
    status_message: status === 'capture' ? 'Success, Credit Card transaction is successful' : 'Card is not authenticated.',
    bank: t.card.bank,
    eci: '05',
    transaction_id: t.id,
    order_id: t.order,
    merchant_id: MERCHANT,
    gross_amount: t.gross,
    currency: 'IDR',
    payment_type: 'credit_card',
    transaction_time: t.time,
    transaction_status: status,
    fraud_status: 'accept',
    masked_card: t.card.masked,
    card_type: 'credit',
    ...(status === 'capture' ? { channel_response_code: '00', channel_response_message: 'Approved', approval_code: t.approval } : {}),
  },
});

const deadline = (t: Tx, at: string, reason: '3ds_expiry' | 'authorization_expiry' | 'settlement' | 'challenge_auto_cancel'): J => ({
  kind: 'deadline_passed',
  payload: { order_id: t.order, transaction_id: t.id, deadline: at, reason },
});

// -------------------------------------------------------------------------------------------------
// scenario files
// -------------------------------------------------------------------------------------------------

interface Spec {
  readonly nn: number;
  readonly slug: string;
  readonly description: string;
  readonly source: readonly string[];
  readonly events: readonly J[];
  /** Final attempt (null: none). */
  readonly final: Tx | null;
  /** 'status/fraud' after each event, '-' for no attempt. */
  readonly trace: readonly string[];
  readonly illegal: readonly number[];
  readonly noop: readonly number[];
  readonly judgement?: boolean;
  readonly notes: string;
  readonly refund_amount?: string;
}

const pair = (s: string) => {
  if (s === '-') return { transaction_status: null, fraud_status: null };
  const [ts, fs] = s.split('/');
  return { transaction_status: ts!, fraud_status: fs ?? null };
};

const written: string[] = [];
/** `--check`: compare with the committed files instead of writing them; exit 1 on any difference. */
const CHECK = process.argv.includes('--check');
const drifted: string[] = [];

const write = (s: Spec): void => {
  if (s.trace.length !== s.events.length) throw new Error(`${s.nn}: trace has ${s.trace.length} entries for ${s.events.length} events`);
  const last = pair(s.trace[s.trace.length - 1]!);
  const orderId = s.final?.order ?? ((s.events[0]!['payload'] as J)['transaction_details'] as J | undefined)?.['order_id'];
  const file = {
    name: s.slug,
    description: s.description,
    source: s.source,
    server_key: SERVER_KEY,
    events: s.events,
    expect: {
      order_id: orderId,
      transaction_id: s.final?.id ?? null,
      transaction_status: last.transaction_status,
      fraud_status: last.fraud_status,
      illegal: [...s.illegal],
      noop: [...s.noop],
      trace: s.trace.map(pair),
      ...(s.refund_amount === undefined ? {} : { refund_amount: s.refund_amount }),
      judgement_call: s.judgement ?? false,
      notes: s.notes,
    },
  };
  const name = `${s.nn}-${s.slug}.json`;
  const text = `${JSON.stringify(file, null, 2)}\n`;
  const path = join(OUT, name);
  if (CHECK) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) drifted.push(name);
  } else writeFileSync(path, text);
  written.push(name);
};

const oid = (nn: number, slug: string) => `own-${nn}-${slug}`;

// 60 ------------------------------------------------------------------------------------------------
{
  const nn = 60;
  const t = tx(oid(nn, 'charge-request-3ds'), 1, { card: CARD.threeDs, threeDs: true, time: '2024-06-03 09:41:12' });
  write({
    nn,
    slug: 'charge-request-3ds-capture-settlement',
    description:
      'The merchant\'s charge request opens the stream; 3DS charge 201 pending; browser callback; capture notification; a late pending notification; settlement; a late capture notification.',
    source: [D.domain('§1 (charge_request opens the stream; callback_3ds never moves state)'), D.domain('§2 (start → pending → capture → settlement)'), D.domain('§4 (ignored, stale)'), D.cardPage],
    events: [
      chargeRequest(t, { authentication: true }),
      chargeResponse(t, 'pending', 'accept'),
      callback3ds(t, 'capture'),
      notification(t, 'capture', 'accept'),
      notification(t, 'pending', 'accept'),
      notification(t, 'settlement', 'accept'),
      notification(t, 'capture', 'accept'),
    ],
    final: t,
    trace: ['-', 'pending/accept', 'pending/accept', 'capture/accept', 'capture/accept', 'settlement/accept', 'settlement/accept'],
    illegal: [4, 6],
    noop: [2],
    notes:
      '#0 opens the order without an attempt (no transaction_id yet): null/null. #1 opens the first attempt at pending/accept (amount matches the request, 145000). #2 callback_3ds is ignored (000: do not rely on frontend callbacks). #4 pending after capture, the attempt began pending: pending/accept lies on the path pending → capture, so stale. #6 capture after settlement lies on the path pending → capture → settlement: stale.',
  });
}

// 61 ------------------------------------------------------------------------------------------------
{
  const nn = 61;
  const t = tx(oid(nn, 'charge-amount-mismatch'), 1, { time: '2024-06-03 11:02:47' });
  const fee = '150000.00';
  write({
    nn,
    slug: 'charge-request-amount-mismatch',
    description:
      'The merchant requests a charge of 145000; the charge response (and then a signed notification) state gross_amount 150000.00. Neither may open the attempt.',
    source: [D.domain('§1 (the first charge_response must match the charge_request amount)'), D.domain('§5 (gross_amount compared as money; mismatch rejected)'), D.facts('§5 (midtrans-php#118 fee imposition)')],
    events: [
      chargeRequest(t, { authentication: false }),
      chargeResponse(t, 'capture', 'accept', { gross: fee }),
      notification(t, 'capture', 'accept', { gross: fee }),
    ],
    final: null,
    trace: ['-', '-', '-'],
    illegal: [1, 2],
    noop: [],
    notes:
      'The charge_request (gross_amount 145000, a number as the merchant sends it) opens the stream. #1 the first charge_response must match that amount: 150000.00 ≠ 145000 → rejected, no attempt is opened, the order stays without a state (null/null) and is flagged rejected_input. #2 a correctly signed notification carrying a transaction_id could open the first attempt, but its amount does not match the order either → rejected (amount mismatch). Final: no attempt, transaction_id null.',
  });
}

// 62 ------------------------------------------------------------------------------------------------
{
  const nn = 62;
  const t = tx(oid(nn, 'provisional-challenge'), 1, { card: CARD.challenge, threeDs: true, time: '2024-06-04 13:20:05' });
  write({
    nn,
    slug: 'pending-provisional-challenge-approve',
    description:
      '3DS charge 201 pending/accept; after 3DS the FDS verdict is challenge (capture/challenge 201); merchant approves (200 capture/accept); accept notification; settlement.',
    source: [D.domain('§3 (a fraud_status reported while pending is provisional: pending/accept → capture/challenge)'), D.domain('§6 (approve)'), D.approve, D.charge],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      notification(t, 'capture', 'challenge'),
      actionResponse(t, 'approve', approveOk(t)),
      notification(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['pending/accept', 'capture/challenge', 'capture/accept', 'capture/accept', 'settlement/accept'],
    illegal: [],
    noop: [3],
    notes:
      '#1 accept → challenge is normally illegal, but the accept was reported while pending and is provisional (§3 decision), so pending/accept → capture/challenge is applied. #2 approve is allowed at capture/challenge: 200 capture/accept applied. #3 the accept notification repeats the state: duplicate. #4 settlement applied.',
  });
}

// 63 ------------------------------------------------------------------------------------------------
{
  const nn = 63;
  const t = tx(oid(nn, 'pending-fds-deny'), 1, { card: CARD.fdsDeny, threeDs: true, time: '2024-06-04 15:48:31' });
  write({
    nn,
    slug: 'pending-fds-deny-deny',
    description:
      '3DS charge 201 pending/accept with card 4611 1111 1111 1116 (denied by FDS); deny/deny notification, delivered twice; then a late pending notification.',
    source: [D.domain('§2 (pending → deny)'), D.domain('§3 (provisional verdict: pending/accept → deny/deny)'), D.domain('§4 (duplicate, stale)'), D.cycle],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      notification(t, 'deny', 'deny'),
      notification(t, 'deny', 'deny'),
      notification(t, 'pending', 'accept'),
    ],
    final: t,
    trace: ['pending/accept', 'deny/deny', 'deny/deny', 'deny/deny'],
    illegal: [3],
    noop: [2],
    notes:
      '#1 pending → deny is a direct edge and the pending fraud verdict is provisional, so accept → deny is legal here: deny/deny applied. #2 same payload again: duplicate. #3 pending/accept is the attempt\'s first observed state, so it lies on the path already walked: stale (not applied; deny stays terminal).',
  });
}

// 64 ------------------------------------------------------------------------------------------------
{
  const nn = 64;
  const order = oid(nn, 'retry-after-deny');
  const t1 = tx(order, 1, { card: CARD.bankDeny3ds, threeDs: true, time: '2024-06-05 19:03:44' });
  const t2 = tx(order, 2, { card: CARD.threeDs, threeDs: true, time: '2024-06-05 19:06:10' });
  write({
    nn,
    slug: 'retry-after-3ds-deny-new-attempt',
    description:
      'First attempt (card 4911 1111 1111 1113) is denied by the bank after 3DS; the customer retries under the same order_id with another card: a charge_response with a new transaction_id opens a second attempt, which is captured and settled. A retried delivery of the first attempt\'s deny arrives in between.',
    source: [D.domain('§1 (a charge_response with a new transaction_id after deny opens a further attempt; the order shows its latest attempt)'), D.facts('§8.12 (deny and customer retries)'), D.charge],
    events: [
      chargeResponse(t1, 'pending', 'accept'),
      notification(t1, 'deny', 'accept'),
      chargeResponse(t2, 'pending', 'accept'),
      notification(t2, 'capture', 'accept'),
      notification(t1, 'deny', 'accept'),
      notification(t2, 'settlement', 'accept'),
    ],
    final: t2,
    trace: ['pending/accept', 'deny/accept', 'pending/accept', 'capture/accept', 'capture/accept', 'settlement/accept'],
    illegal: [],
    noop: [4],
    notes:
      '#1 attempt 1 ends in deny (bank, fraud accept). #2 a charge_response with a new transaction_id while the current attempt ended in deny opens attempt 2: the order view switches to it (pending/accept). #4 the first attempt\'s deny notification again: a duplicate on attempt 1; the order view (latest attempt) stays capture/accept. Final: attempt 2 settlement/accept.',
  });
}

// 65 ------------------------------------------------------------------------------------------------
{
  const nn = 65;
  const order = oid(nn, 'bank-deny-terminal');
  const t1 = tx(order, 1, { card: CARD.bankDeny, time: '2024-06-06 08:12:09' });
  const t2 = tx(order, 2, { card: CARD.non3ds, time: '2024-06-06 08:15:51' });
  write({
    nn,
    slug: 'bank-deny-terminal-then-retry',
    description:
      'Non-3DS charge 202 deny (card 4711 1111 1111 1115, Do not honor); signed capture and settlement notifications for the denied transaction arrive; the customer retries with another card (new transaction_id, 200 capture), which settles.',
    source: [D.domain('§2 (start → deny; deny is terminal)'), D.domain('§4 (illegal: capture on an attempt the bank denied)'), D.domain('§1 (retry after deny)'), D.charge],
    events: [
      chargeResponse(t1, 'deny', 'accept'),
      notification(t1, 'capture', 'accept'),
      notification(t1, 'settlement', 'accept'),
      chargeResponse(t2, 'capture', 'accept'),
      notification(t2, 'settlement', 'accept'),
    ],
    final: t2,
    trace: ['deny/accept', 'deny/accept', 'deny/accept', 'capture/accept', 'settlement/accept'],
    illegal: [1, 2],
    noop: [],
    notes:
      'Attempt 1 began at deny (an opening state), so no legal path leads from it anywhere: #1 capture and #2 settlement are illegal (illegal_observation), not stale. #3 a charge_response with a new transaction_id after deny opens attempt 2 (capture/accept). #4 settlement of attempt 2 applied.',
  });
}

// 66 ------------------------------------------------------------------------------------------------
{
  const nn = 66;
  const order = oid(nn, 'second-tx-while-active');
  const t1 = tx(order, 1, { time: '2024-06-06 12:30:00' });
  const t2 = tx(order, 2, { time: '2024-06-06 12:30:02' });
  write({
    nn,
    slug: 'new-transaction-id-while-active',
    description:
      'A double-submitted charge: the first charge is captured; a second charge_response with another transaction_id arrives for the same order while the first attempt is active; then a notification and a status answer for that second transaction_id, and the settlement of the first.',
    source: [D.domain('§1 (a new transaction_id is only a retry after deny/cancel/expire/failure; otherwise illegal)'), D.domain('§5 (transaction_id must be one of the order\'s attempts)'), D.facts('§3 (order ids: 406 when reused while active)')],
    events: [
      chargeResponse(t1, 'capture', 'accept'),
      chargeResponse(t2, 'capture', 'accept'),
      notification(t2, 'capture', 'accept'),
      notification(t1, 'settlement', 'accept'),
      statusResponse(t2, 'settlement', 'accept', '200', { id: t2.id }),
    ],
    final: t1,
    trace: ['capture/accept', 'capture/accept', 'capture/accept', 'settlement/accept', 'settlement/accept'],
    illegal: [1, 2, 4],
    noop: [],
    notes:
      '#1 a charge_response with a new transaction_id while attempt 1 is at capture (not deny/cancel/expire/failure) is illegal and opens nothing. #2 a notification cannot open a further attempt: its transaction_id is not an attempt of the order → rejected. #3 settlement of attempt 1 applied. #4 a GET status answer for the unknown transaction_id → rejected likewise. The order keeps one attempt.',
  });
}

// 67 ------------------------------------------------------------------------------------------------
{
  const nn = 67;
  const t = tx(oid(nn, 'pending-authorize'), 1, { card: CARD.preauth, threeDs: true, time: '2024-06-07 10:05:33' });
  write({
    nn,
    slug: 'pending-authorize-capture-settlement',
    description:
      'Pre-authorization with 3DS (credit_card.type authorize, authentication true): 201 pending; authorize notification after 3DS; POST /v2/capture of the full amount → 200 capture; capture and settlement notifications.',
    source: [D.domain('§2 (pending → authorize, authorize → capture)'), D.domain('§6 (capture from authorize)'), D.facts('§7 (pending → authorize with 3DS + pre-auth, I)')],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      notification(t, 'authorize', 'accept'),
      actionResponse(t, 'capture', captureOk(t, t.gross), captureBody(t, units(t.gross))),
      notification(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['pending/accept', 'authorize/accept', 'capture/accept', 'capture/accept', 'settlement/accept'],
    illegal: [],
    noop: [3],
    notes: '#1 pending → authorize applied. #2 capture is allowed at authorize (amount = authorized): applied. #3 repeats capture/accept: duplicate. #4 settlement applied.',
  });
}

// 68 ------------------------------------------------------------------------------------------------
{
  const nn = 68;
  const t = tx(oid(nn, 'pending-cancel'), 1, { card: CARD.threeDs, threeDs: true, time: '2024-06-07 16:44:18' });
  write({
    nn,
    slug: 'pending-cancel-late-capture-stale',
    description:
      '3DS charge 201 pending; the merchant cancels it (POST /v2/{id}/cancel → 200 cancel); cancel notification (202); then a capture notification arrives late.',
    source: [D.domain('§2 (pending → cancel; capture → cancel)'), D.domain('§6 (cancel allowed at pending)'), D.domain('§4 (stale = on a legal path from the first observed state)'), D.cycle],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      actionResponse(t, 'cancel', cancelOk(t, 'accept')),
      notification(t, 'cancel', 'accept'),
      notification(t, 'capture', 'accept'),
    ],
    final: t,
    trace: ['pending/accept', 'cancel/accept', 'cancel/accept', 'cancel/accept'],
    illegal: [3],
    noop: [2],
    judgement: true,
    notes:
      '#1 cancel is allowed at pending; 200 cancel applied. #2 cancel notification (202) repeats it: duplicate. #3 capture/accept after cancel: cancel is terminal, but pending → capture → cancel is a legal path (the 3DS completed before the cancel was processed, and the cancel then voided the capture), so the capture lies on a legal path from the first observed state to the current one → stale, not illegal. JUDGEMENT: follows the path definition of stale; the money state (cancel) is the same either way.',
  });
}

// 69 ------------------------------------------------------------------------------------------------
{
  const nn = 69;
  const t = tx(oid(nn, 'pending-expire-action'), 1, { card: CARD.threeDs, threeDs: true, time: '2024-06-08 07:55:02' });
  write({
    nn,
    slug: 'pending-expire-action-407',
    description:
      '3DS charge 201 pending; the merchant expires it (POST /v2/{id}/expire → 407 expire, the success code, no fraud_status in the answer); expire notification (202); a late capture notification.',
    source: [D.domain('§6 (expire: pending; 407 is the success answer)'), D.domain('§3 (a payload without fraud_status leaves it unchanged)'), D.domain('§2 (expire is terminal)'), D.facts('§3 (407 expire)')],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      actionResponse(t, 'expire', expireOk(t)),
      notification(t, 'expire', 'accept'),
      notification(t, 'capture', 'accept'),
    ],
    final: t,
    trace: ['pending/accept', 'expire/accept', 'expire/accept', 'expire/accept'],
    illegal: [3],
    noop: [2],
    notes:
      '#1 407 with transaction_status expire is the success of the expire action (allowed at pending): applied; the answer has no fraud_status, so accept is kept. #2 duplicate. #3 capture after expire: no legal path from pending reaches expire through capture (only pending → expire or pending → authorize → expire), so it is illegal, not stale.',
  });
}

// 70 ------------------------------------------------------------------------------------------------
{
  const nn = 70;
  const t = tx(oid(nn, 'pending-expire-deadline'), 1, { card: CARD.threeDs, threeDs: true, time: '2024-06-08 21:17:40' });
  write({
    nn,
    slug: 'pending-expire-deadline-status',
    description:
      '3DS charge 201 pending, the customer abandons the OTP page. The host\'s 3DS deadline (expiry_time) passes with no notification; it calls GET status → 407 expire; the expire notification follows.',
    source: [D.domain('§1 (deadline_passed: ignored, flags reconciliation)'), D.domain('§8 (3DS pending expires 10 minutes after the charge)'), D.domain('§2 (pending → expire)'), D.status],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      deadline(t, plusMinutes(t.time, 10), '3ds_expiry'),
      statusResponse(t, 'expire', 'accept', '407'),
      notification(t, 'expire', 'accept'),
    ],
    final: t,
    trace: ['pending/accept', 'pending/accept', 'expire/accept', 'expire/accept'],
    illegal: [],
    noop: [1, 3],
    notes:
      '#1 deadline_passed never invents a status: ignored (the order is flagged deadline_passed, since it still awaits the 3DS expiry). #2 GET status is authoritative: 407 expire applied (pending → expire). #3 the expire notification (202) repeats it: duplicate.',
  });
}

// 71 ------------------------------------------------------------------------------------------------
{
  const nn = 71;
  const t = tx(oid(nn, 'pending-failure'), 1, { card: CARD.threeDs, threeDs: true, time: '2024-06-09 02:11:58' });
  write({
    nn,
    slug: 'pending-failure-terminal',
    description:
      '3DS charge 201 pending; the bank fails to respond: failure notification (202, no fraud_status); later signed capture and settlement notifications arrive.',
    source: [D.domain('§2 (pending → failure; failure is terminal)'), D.domain('§3 (payload without fraud_status leaves it unchanged)'), D.domain('§5 (failure notifications carry 202)'), D.cycle],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      notification(t, 'failure', null),
      notification(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['pending/accept', 'failure/accept', 'failure/accept', 'failure/accept'],
    illegal: [2, 3],
    noop: [],
    notes:
      '#1 pending → failure applied; the payload has no fraud_status, so accept is kept. failure is terminal and is reached only from pending, so neither capture (#2) nor settlement (#3) lies on any legal path to it: both illegal.',
  });
}

// 72 ------------------------------------------------------------------------------------------------
{
  const nn = 72;
  const t = tx(oid(nn, 'pending-settled-via-status'), 1, { card: CARD.threeDs, threeDs: true, time: '2024-06-09 14:36:27' });
  write({
    nn,
    slug: 'pending-settlement-inferred-status',
    description:
      '3DS charge 201 pending; the capture notification is lost; the next day GET status answers settlement; the delayed capture notification and the settlement notification arrive afterwards.',
    source: [D.domain('§2 notes (pending → settlement means pending → capture → settlement, capture inferred)'), D.domain('§4 (applied with inferred steps; stale)'), D.status],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      statusResponse(t, 'settlement', 'accept', '200'),
      notification(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['pending/accept', 'settlement/accept', 'settlement/accept', 'settlement/accept'],
    illegal: [2],
    noop: [3],
    notes: '#1 pending → settlement is applied as pending → capture (inferred) → settlement. #2 the late capture lies on that path: stale. #3 settlement again: duplicate.',
  });
}

// 73 ------------------------------------------------------------------------------------------------
{
  const nn = 73;
  const t = tx(oid(nn, 'partial-capture'), 1, { card: CARD.preauth, time: '2024-06-10 10:00:45' });
  const captured = '100000.00';
  write({
    nn,
    slug: 'authorize-capture-declined-partial-capture',
    description:
      'Pre-authorization of 145000 (200 authorize). A full capture is declined by the bank (202 deny in the answer, the transaction stays authorize); the merchant then captures 100000 (200 capture, gross_amount 100000.00). Later notifications carry the captured amount; one with the authorized amount is a mismatch.',
    source: [D.domain('§6 (capture: 202 deny = declined, stays authorize; amount ≤ authorized)'), D.domain('§4 (ignored)'), D.domain('§5 (after a partial capture the attempt\'s amount is the captured amount)'), D.facts('§3 (capture 202 keeps authorize)')],
    events: [
      chargeResponse(t, 'authorize', 'accept'),
      actionResponse(t, 'capture', captureDeclined(t, t.gross), captureBody(t, units(t.gross))),
      actionResponse(t, 'capture', captureOk(t, captured), captureBody(t, units(captured))),
      notification(t, 'capture', 'accept', { gross: captured }),
      notification(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept', { gross: captured }),
    ],
    final: t,
    trace: ['authorize/accept', 'authorize/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'settlement/accept'],
    illegal: [4],
    noop: [1, 3],
    notes:
      '#1 capture answered 202 deny is a legal action the bank declined: ignored, stays authorize (not deny). #2 capture of 100000 ≤ 145000 authorized: applied; the attempt\'s amount becomes 100000. #3 signed capture notification with gross_amount 100000.00: duplicate. #4 a signed capture notification with 145000.00 no longer matches the captured amount: rejected (amount mismatch). #5 settlement with 100000.00 applied.',
  });
}

// 74 ------------------------------------------------------------------------------------------------
{
  const nn = 74;
  const t = tx(oid(nn, 'authorize-cancel'), 1, { card: CARD.preauth, time: '2024-06-10 17:25:13' });
  write({
    nn,
    slug: 'authorize-cancel-capture-refused',
    description:
      'Pre-authorization (200 authorize) and its notification; the merchant releases it (cancel → 200 cancel), cancel notification (202); a capture request sent afterwards is answered 412.',
    source: [D.domain('§2 (authorize → cancel)'), D.domain('§6 (cancel allowed at authorize; an allowed action answered 412 is ignored)'), D.facts('§3 (412 Merchant cannot modify the status)')],
    events: [
      chargeResponse(t, 'authorize', 'accept'),
      notification(t, 'authorize', 'accept'),
      actionResponse(t, 'cancel', cancelOk(t, 'accept')),
      notification(t, 'cancel', 'accept'),
      actionResponse(t, 'capture', errorBody('412'), captureBody(t, units(t.gross))),
    ],
    final: t,
    trace: ['authorize/accept', 'authorize/accept', 'cancel/accept', 'cancel/accept', 'cancel/accept'],
    illegal: [],
    noop: [1, 3, 4],
    notes:
      '#1 duplicate. #2 authorize → cancel applied. #3 duplicate. #4 capture was allowed at authorize, which lies on the attempt\'s path, so the 412 answer is ignored (flag action_refused), not illegal.',
  });
}

// 75 ------------------------------------------------------------------------------------------------
{
  const nn = 75;
  const t = tx(oid(nn, 'authorize-expire'), 1, { card: CARD.preauth, time: '2024-06-11 09:30:00' });
  write({
    nn,
    slug: 'authorize-expire-after-deadline',
    description:
      'Pre-authorization never captured: the host\'s authorization deadline (7 days) passes, then the expire notification (202) arrives; a retried authorize notification comes last.',
    source: [D.domain('§2 (authorize → expire)'), D.domain('§8 (authorize expires after 7 days)'), D.domain('§1 (deadline_passed ignored)'), D.facts('§4 (authorization lifetime 7–8 days)')],
    events: [
      chargeResponse(t, 'authorize', 'accept'),
      deadline(t, plusMinutes(t.time, 7 * 24 * 60), 'authorization_expiry'),
      notification(t, 'expire', 'accept'),
      notification(t, 'authorize', 'accept'),
    ],
    final: t,
    trace: ['authorize/accept', 'authorize/accept', 'expire/accept', 'expire/accept'],
    illegal: [3],
    noop: [1],
    notes: '#1 ignored (flags reconciliation). #2 authorize → expire applied. #3 authorize/accept is the first observed state: stale.',
  });
}

// 76 ------------------------------------------------------------------------------------------------
{
  const nn = 76;
  const t = tx(oid(nn, 'authorize-deny'), 1, { card: CARD.preauth, time: '2024-06-11 13:14:15' });
  write({
    nn,
    slug: 'authorize-bank-deny',
    description: 'Pre-authorization (200 authorize); the bank then denies it: deny notification (202); GET status confirms deny.',
    source: [D.domain('§2 (authorize → deny)'), D.cycle, D.facts('§3 (deny 202 in GET status, I)')],
    events: [chargeResponse(t, 'authorize', 'accept'), notification(t, 'deny', 'accept'), statusResponse(t, 'deny', 'accept', '202')],
    final: t,
    trace: ['authorize/accept', 'deny/accept', 'deny/accept'],
    illegal: [],
    noop: [2],
    notes: '#1 authorize → deny is a direct edge (002 lists deny under authorize): applied. #2 same state: duplicate.',
  });
}

// 77 ------------------------------------------------------------------------------------------------
{
  const nn = 77;
  const t = tx(oid(nn, 'capture-above-auth'), 1, { card: CARD.preauth, time: '2024-06-12 11:11:11' });
  write({
    nn,
    slug: 'capture-above-authorized-illegal',
    description:
      'Pre-authorization of 145000; a capture of 150000 is refused (412); a capture of the authorized amount succeeds; capture and settlement notifications.',
    source: [D.domain('§6 (capture: authorize; amount ≤ authorized)'), D.domain('§4 (illegal: an action whose precondition never held)'), D.facts('§3 (capture amount ≤ authorized)')],
    events: [
      chargeResponse(t, 'authorize', 'accept'),
      actionResponse(t, 'capture', errorBody('412'), captureBody(t, 150000)),
      actionResponse(t, 'capture', captureOk(t, t.gross), captureBody(t, units(t.gross))),
      notification(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['authorize/accept', 'authorize/accept', 'capture/accept', 'capture/accept', 'settlement/accept'],
    illegal: [1],
    noop: [3],
    notes:
      '#1 a capture of 150000 on an authorization of 145000 was never allowed (amount > authorized at every point of the path), so its 412 answer is illegal (illegal_observation), not ignored. #2 capture of 145000 applied. #3 duplicate. #4 settlement.',
  });
}

// 78 ------------------------------------------------------------------------------------------------
{
  const nn = 78;
  const t = tx(oid(nn, 'capture-cancel'), 1, { time: '2024-06-12 15:40:09' });
  write({
    nn,
    slug: 'capture-cancel-5xx-then-200',
    description:
      'Non-3DS 200 capture/accept; a cancel request fails with 500; the retry succeeds (200 cancel); cancel notification (202); the settlement notification arrives anyway.',
    source: [D.domain('§2 (capture → cancel; cancel terminal)'), D.domain('§6 (cancel allowed at capture; 5xx answer ignored)'), D.cycle],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      actionResponse(t, 'cancel', errorBody('500')),
      actionResponse(t, 'cancel', cancelOk(t, 'accept')),
      notification(t, 'cancel', 'accept'),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['capture/accept', 'capture/accept', 'cancel/accept', 'cancel/accept', 'cancel/accept'],
    illegal: [4],
    noop: [1, 3],
    notes:
      '#1 an allowed cancel answered 500: ignored (a 5xx is not a refusal, so no action_refused). #2 capture → cancel applied. #3 duplicate. #4 settlement after cancel: from capture, no legal path passes settlement and reaches cancel (settlement → cancel is not an edge), so illegal.',
  });
}

// 79 ------------------------------------------------------------------------------------------------
{
  const nn = 79;
  const t = tx(oid(nn, 'settle-deadline'), 1, { time: '2024-06-13 10:20:30' });
  write({
    nn,
    slug: 'settlement-deadline-status-cancel-412',
    description:
      'Non-3DS 200 capture/accept; the planned settlement time (next day 16:00) passes without a notification; GET status answers settlement; the settlement notification follows; a cancel sent afterwards is answered 412.',
    source: [D.domain('§8 (capture settles the next day at 16:00)'), D.domain('§6 (cancel never after settlement: 412; an allowed action answered 412 is ignored)'), D.charge, D.facts('§3 (412 after settlement)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      deadline(t, nextDayAt(t.time, '16:00:00'), 'settlement'),
      statusResponse(t, 'settlement', 'accept', '200'),
      notification(t, 'settlement', 'accept'),
      actionResponse(t, 'cancel', errorBody('412')),
    ],
    final: t,
    trace: ['capture/accept', 'capture/accept', 'settlement/accept', 'settlement/accept', 'settlement/accept'],
    illegal: [],
    noop: [1, 3, 4],
    notes:
      '#1 deadline_passed: ignored. #2 settlement applied. #3 duplicate. #4 cancel was allowed at capture, which lies on the attempt\'s path, so the 412 is ignored (flag action_refused), not illegal.',
  });
}

// 80 ------------------------------------------------------------------------------------------------
{
  const nn = 80;
  const t = tx(oid(nn, 'never-allowed'), 1, { time: '2024-06-13 18:05:50' });
  write({
    nn,
    slug: 'actions-precondition-never-held',
    description:
      'Non-3DS 200 capture/accept. Before settlement the merchant tries expire, refund, direct refund and capture: all answered 412. After settlement, expire is tried again.',
    source: [D.domain('§6 (expire: pending; refund/direct_refund: settlement or partial_refund; capture: authorize)'), D.domain('§4 (illegal: an action whose precondition did not hold at any point)'), D.facts('§6 (refund / direct refund of an unsettled capture → 412)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      actionResponse(t, 'expire', errorBody('412')),
      actionResponse(t, 'refund', errorBody('412'), refundBody(`${t.order}-r1`, 145000)),
      actionResponse(t, 'direct_refund', errorBody('412'), refundBody(`${t.order}-dr1`, 145000)),
      actionResponse(t, 'capture', errorBody('412'), captureBody(t, units(t.gross))),
      notification(t, 'settlement', 'accept'),
      actionResponse(t, 'expire', errorBody('412')),
    ],
    final: t,
    trace: ['capture/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'settlement/accept', 'settlement/accept'],
    illegal: [1, 2, 3, 4, 6],
    noop: [],
    notes:
      'The attempt began at capture (an opening state), so its path holds capture (and later settlement) only. #1 expire needs pending, #2 refund and #3 direct refund need settlement (refund before settlement), #4 capture needs authorize: none held at any point, so each answer is illegal. #5 settlement applied. #6 expire still never held (capture → settlement): illegal.',
  });
}

// 81 ------------------------------------------------------------------------------------------------
{
  const nn = 81;
  const t = tx(oid(nn, 'challenge-bank-deny'), 1, { card: CARD.challenge, time: '2024-06-14 09:09:09' });
  write({
    nn,
    slug: 'challenge-bank-deny-keeps-challenge',
    description:
      'Charge 201 capture/challenge and its notification; before review the bank denies the transaction (deny notification 202 with fraud_status challenge); an approve sent afterwards is answered 412.',
    source: [D.domain('§2 (capture → deny only while fraud_status is challenge)'), D.domain('§3 (denied by the bank: fraud_status taken from the payload, may stay challenge)'), D.domain('§6 (an allowed action answered 412 is ignored)'), D.charge],
    events: [
      chargeResponse(t, 'capture', 'challenge'),
      notification(t, 'capture', 'challenge'),
      notification(t, 'deny', 'challenge'),
      actionResponse(t, 'approve', errorBody('412')),
    ],
    final: t,
    trace: ['capture/challenge', 'capture/challenge', 'deny/challenge', 'deny/challenge'],
    illegal: [],
    noop: [1, 3],
    notes:
      '#1 duplicate (201 matches capture/challenge). #2 capture → deny is legal because fraud_status is challenge; fraud_status stays challenge as the payload says. #3 approve was allowed at capture/challenge on the path: the 412 is ignored (action_refused).',
  });
}

// 82 ------------------------------------------------------------------------------------------------
{
  const nn = 82;
  const t = tx(oid(nn, 'challenge-after-accept'), 1, { time: '2024-06-14 12:12:12' });
  write({
    nn,
    slug: 'challenge-after-accept-illegal',
    description:
      'Non-3DS charge 200 capture/accept; a signed capture/challenge notification (201) arrives; the merchant then calls approve (412); settlement.',
    source: [D.domain('§3 (accept never changes; challenge after accept once past pending is illegal)'), D.domain('§6 (approve only at capture/challenge)'), D.approve],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'capture', 'challenge'),
      actionResponse(t, 'approve', errorBody('412')),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['capture/accept', 'capture/accept', 'capture/accept', 'settlement/accept'],
    illegal: [1, 2],
    noop: [],
    notes:
      'The attempt began at capture/accept (an opening state, not pending), so its accept is final. #1 capture/challenge is neither reachable nor on the path: illegal. #2 approve was never allowed (challenge never held): illegal. #3 settlement applied.',
  });
}

// 83 ------------------------------------------------------------------------------------------------
{
  const nn = 83;
  const t = tx(oid(nn, 'late-approve'), 1, { card: CARD.challenge, time: '2024-06-15 10:30:00' });
  write({
    nn,
    slug: 'late-approve-after-settlement-stale',
    description:
      'Charge 201 capture/challenge; the challenge is accepted on the dashboard (accept notification 200); a deny request sent meanwhile is answered 412; settlement; the answer to an approve request sent before the dashboard decision arrives last (200 capture/accept).',
    source: [D.domain('§4 (stale: a late approve answer after settlement)'), D.domain('§3 (challenge → accept by dashboard)'), D.domain('§6 (approve, deny at capture/challenge)'), D.approve],
    events: [
      chargeResponse(t, 'capture', 'challenge'),
      notification(t, 'capture', 'accept'),
      actionResponse(t, 'deny', errorBody('412')),
      notification(t, 'settlement', 'accept'),
      actionResponse(t, 'approve', approveOk(t)),
    ],
    final: t,
    trace: ['capture/challenge', 'capture/accept', 'capture/accept', 'settlement/accept', 'settlement/accept'],
    illegal: [4],
    noop: [2],
    notes:
      '#1 challenge → accept applied. #2 deny was allowed at capture/challenge, on the path: its 412 is ignored. #3 settlement applied. #4 the approve answer (capture/accept) lies on the path capture/challenge → capture/accept → settlement: stale.',
  });
}

// 84 ------------------------------------------------------------------------------------------------
{
  const nn = 84;
  const t = tx(oid(nn, 'challenge-auto-cancel'), 1, { card: CARD.challenge, time: '2024-06-15 20:45:10' });
  write({
    nn,
    slug: 'challenge-auto-cancel-at-settlement',
    description:
      'Charge 201 capture/challenge never reviewed; the settlement cut-off passes (the host\'s challenge_auto_cancel deadline) and Midtrans cancels it: cancel notification (202) with fraud_status challenge; a deny sent afterwards is answered 412.',
    source: [D.domain('§3 (a challenged transaction cancelled at settlement: fraud_status from the payload)'), D.domain('§8 (an unapproved challenge is cancelled at the next day\'s 16:00)'), D.charge, D.facts('§8.3')],
    events: [
      chargeResponse(t, 'capture', 'challenge'),
      notification(t, 'capture', 'challenge'),
      deadline(t, nextDayAt(t.time, '16:00:00'), 'challenge_auto_cancel'),
      notification(t, 'cancel', 'challenge'),
      actionResponse(t, 'deny', errorBody('412')),
    ],
    final: t,
    trace: ['capture/challenge', 'capture/challenge', 'capture/challenge', 'cancel/challenge', 'cancel/challenge'],
    illegal: [],
    noop: [1, 2, 4],
    notes:
      '#1 duplicate. #2 deadline_passed: ignored. #3 capture → cancel applied; fraud_status stays challenge, as the payload says. #4 deny was allowed at capture/challenge on the path: 412 ignored (action_refused).',
  });
}

// 85 ------------------------------------------------------------------------------------------------
{
  const nn = 85;
  const t = tx(oid(nn, 'pending-challenge-deny'), 1, { card: CARD.challenge, threeDs: true, time: '2024-06-16 08:08:08' });
  write({
    nn,
    slug: 'challenge-deny-action-approve-refused',
    description:
      '3DS charge 201 pending; after 3DS a capture/challenge notification; the merchant denies it (POST /v2/{id}/deny → 200 deny/deny); deny notification (202); a second reviewer\'s approve is answered 412.',
    source: [D.domain('§3 (challenge → deny by the deny action)'), D.domain('§6 (deny ends deny/deny)'), D.facts('§8.2 (deny action → deny/deny)'), D.approve],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      notification(t, 'capture', 'challenge'),
      actionResponse(t, 'deny', denyOk(t)),
      notification(t, 'deny', 'deny'),
      actionResponse(t, 'approve', errorBody('412')),
    ],
    final: t,
    trace: ['pending/accept', 'capture/challenge', 'deny/deny', 'deny/deny', 'deny/deny'],
    illegal: [],
    noop: [3, 4],
    notes:
      '#1 provisional pending accept → capture/challenge applied. #2 deny at capture/challenge: 200 deny/deny applied. #3 duplicate. #4 approve was allowed at capture/challenge on the path: its 412 is ignored.',
  });
}

// 86 ------------------------------------------------------------------------------------------------
{
  const nn = 86;
  const t = tx(oid(nn, 'capture-deny-reversal'), 1, { time: '2024-06-16 23:50:00' });
  write({
    nn,
    slug: 'capture-accept-deny-inferred-reversal',
    description:
      'Non-3DS 200 capture/accept; the next notification is deny (202, fraud_status accept); the settlement notification arrives late; the deny is delivered again.',
    source: [D.domain('§2 notes (a deny observed at capture/accept is capture → settlement (inferred) → deny; reversal flag)'), D.domain('§4 (stale, duplicate)'), D.cycle],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'deny', 'accept', { extra: { settlement_time: nextDayAt(t.time, '16:00:00') } }),
      notification(t, 'settlement', 'accept'),
      notification(t, 'deny', 'accept', { extra: { settlement_time: nextDayAt(t.time, '16:00:00') } }),
    ],
    final: t,
    trace: ['capture/accept', 'deny/accept', 'deny/accept', 'deny/accept'],
    illegal: [2],
    noop: [3],
    notes:
      '#1 capture → deny is only direct while challenged; at capture/accept the deny is applied as capture → settlement (inferred) → deny, a reversal (flag reversal). #2 settlement lies on that path: stale. #3 duplicate.',
  });
}

// 87 ------------------------------------------------------------------------------------------------
{
  const nn = 87;
  const t = tx(oid(nn, 'settlement-reversal'), 1, { card: CARD.threeDs, threeDs: true, time: '2024-06-17 10:01:02' });
  write({
    nn,
    slug: 'settlement-reversal-deny',
    description:
      '3DS payment captured and settled; minutes after settlement a deny notification (202) reverses it; a refund requested afterwards is answered 412.',
    source: [D.domain('§2 (settlement → deny, reversal)'), D.domain('§6 (refund at settlement; an allowed action answered 412 is ignored)'), D.cycle],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      notification(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
      notification(t, 'deny', 'accept', { extra: { settlement_time: nextDayAt(t.time, '16:00:00') } }),
      actionResponse(t, 'refund', errorBody('412'), refundBody(`${t.order}-r1`, 145000)),
    ],
    final: t,
    trace: ['pending/accept', 'capture/accept', 'settlement/accept', 'deny/accept', 'deny/accept'],
    illegal: [],
    noop: [4],
    notes:
      '#3 settlement → deny is applied (a reversed payment must not stay paid) and raises the reversal flag. #4 refund was allowed at settlement, which lies on the path: the 412 is ignored (action_refused).',
  });
}

// 88 ------------------------------------------------------------------------------------------------
{
  const nn = 88;
  const t = tx(oid(nn, 'refund-before-settle-seen'), 1, { time: '2024-06-18 11:22:33' });
  const key = `${t.order}-r1`;
  const created = nextDayAt(t.time, '18:05:00');
  write({
    nn,
    slug: 'refund-answer-before-settlement',
    description:
      'Non-3DS 200 capture/accept; the settlement notification is delayed; a partial refund of 45000 is answered 200 partial_refund; then the settlement notification and the refund notifications (without and with bank_confirmed_at) arrive.',
    source: [D.domain('§6 (refund at settlement or partial_refund)'), D.domain('§4 (a success answer proves its precondition: settlement inferred)'), D.domain('§5 (refunds[] and the bank-confirmed second notification)'), D.status],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      actionResponse(t, 'refund', refundOk(t, 'partial_refund', '45000.00', key, 1), refundBody(key, 45000)),
      notification(t, 'settlement', 'accept'),
      notification(t, 'partial_refund', 'accept', { extra: refundFields('45000.00', [refundEntry(1, '45000.00', key, created)]) }),
      notification(t, 'partial_refund', 'accept', {
        extra: refundFields('45000.00', [refundEntry(1, '45000.00', key, created, { method: 'online', confirmed: nextDayAt(created, '02:30:20') })]),
      }),
    ],
    final: t,
    trace: ['capture/accept', 'partial_refund/accept', 'partial_refund/accept', 'partial_refund/accept', 'partial_refund/accept'],
    illegal: [2],
    noop: [3, 4],
    refund_amount: '45000.00',
    notes:
      '#1 a refund can only succeed from settlement, so its 200 answer proves settlement: capture → settlement (inferred) → partial_refund, refunded 45000; the answer has no fraud_status, accept is kept. #2 settlement lies on that path: stale. #3 same status and cumulative amount (45000): duplicate. #4 the bank-confirmed enrichment of the same refund: duplicate.',
  });
}

// 89 ------------------------------------------------------------------------------------------------
{
  const nn = 89;
  const t = tx(oid(nn, 'partial-then-full-refund'), 1, { time: '2024-06-19 09:15:00' });
  const k1 = `${t.order}-r1`;
  const k2 = `${t.order}-r2`;
  const c1 = nextDayAt(t.time, '19:00:00');
  const c2 = nextDayAt(c1, '10:30:00');
  const confirmed = nextDayAt(c2, '02:30:20');
  write({
    nn,
    slug: 'partial-then-full-refund',
    description:
      'Settled 145000. Signed refund notifications with impossible amounts (partial_refund 150000, partial_refund 145000, refund 160000) are rejected; a 45000 refund (200 partial_refund) and a 100000 refund (200 refund) are applied, followed by the refund notifications without and with bank_confirmed_at.',
    source: [D.domain('§2 (settlement → partial_refund → refund)'), D.domain('§5 (refund_amount cumulative, never above gross; partial_refund with refund_amount ≥ gross inconsistent; action answers carry one refund)'), D.status, D.facts('§3 (partial refunds)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
      notification(t, 'partial_refund', 'accept', { extra: refundFields('150000.00', [refundEntry(1, '150000.00', k1, c1)]) }),
      notification(t, 'partial_refund', 'accept', { extra: refundFields('145000.00', [refundEntry(1, '145000.00', k1, c1)]) }),
      actionResponse(t, 'refund', refundOk(t, 'partial_refund', '45000.00', k1, 1), refundBody(k1, 45000)),
      notification(t, 'partial_refund', 'accept', { extra: refundFields('45000.00', [refundEntry(1, '45000.00', k1, c1)]) }),
      notification(t, 'refund', 'accept', { extra: refundFields('160000.00', [refundEntry(1, '45000.00', k1, c1), refundEntry(2, '115000.00', k2, c2)]) }),
      actionResponse(t, 'refund', refundOk(t, 'refund', '100000.00', k2, 2), refundBody(k2, 100000)),
      notification(t, 'refund', 'accept', { extra: refundFields('145000.00', [refundEntry(1, '45000.00', k1, c1), refundEntry(2, '100000.00', k2, c2)]) }),
      notification(t, 'refund', 'accept', {
        extra: refundFields('145000.00', [
          refundEntry(1, '45000.00', k1, c1, { method: 'online', confirmed }),
          refundEntry(2, '100000.00', k2, c2, { method: 'online', confirmed }),
        ]),
      }),
    ],
    final: t,
    trace: [
      'capture/accept',
      'settlement/accept',
      'settlement/accept',
      'settlement/accept',
      'partial_refund/accept',
      'partial_refund/accept',
      'partial_refund/accept',
      'refund/accept',
      'refund/accept',
      'refund/accept',
    ],
    illegal: [2, 3, 6],
    noop: [5, 8, 9],
    refund_amount: '145000.00',
    notes:
      '#2 cumulative refund_amount 150000 > gross 145000: rejected. #3 partial_refund with refund_amount = gross is inconsistent: rejected. #4 refund of 45000 (this refund\'s amount) applied: partial_refund, cumulative 45000. #5 same state and cumulative: duplicate. #6 refund_amount 160000 > gross: rejected. #7 refund of 100000: cumulative 45000 + 100000 = 145000 = gross → refund (partial_refund → refund). #8 duplicate; #9 bank-confirmed enrichment: duplicate.',
  });
}

// 90 ------------------------------------------------------------------------------------------------
{
  const nn = 90;
  const t = tx(oid(nn, 'direct-refund'), 1, { card: CARD.direct, threeDs: true, time: '2024-06-20 14:00:00' });
  const k1 = `${t.order}-dr1`;
  const k2 = `${t.order}-dr2`;
  const c1 = nextDayAt(t.time, '10:00:00');
  const c2 = nextDayAt(c1, '10:00:00');
  write({
    nn,
    slug: 'direct-refund-declined-partial-full',
    description:
      'BCA-acquired card, captured and settled. A direct refund of 50000 is declined by the bank (202, status stays settlement, refund_amount 0.00); retried with the same refund_key it succeeds (200 partial_refund); a second direct refund of 95000 completes it (200 refund); refund notification; a chargeback notification arrives afterwards.',
    source: [D.domain('§6 (direct_refund: 200; 202 = declined by bank, no change)'), D.domain('§4 (ignored: a direct refund answered 202 keeps settlement)'), D.domain('§2 (refund is terminal)'), D.facts('§3 (direct refund; a failed attempt may be retried with the same key)')],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      notification(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
      actionResponse(t, 'direct_refund', directRefundDeclined(t, k1), refundBody(k1, 50000)),
      actionResponse(t, 'direct_refund', refundOk(t, 'partial_refund', '50000.00', k1, 1, true), refundBody(k1, 50000)),
      notification(t, 'partial_refund', 'accept', { extra: refundFields('50000.00', [refundEntry(1, '50000.00', k1, c1, { method: 'online' })]) }),
      actionResponse(t, 'direct_refund', refundOk(t, 'refund', '95000.00', k2, 2, true), refundBody(k2, 95000)),
      notification(t, 'refund', 'accept', {
        extra: refundFields('145000.00', [refundEntry(1, '50000.00', k1, c1, { method: 'online' }), refundEntry(2, '95000.00', k2, c2, { method: 'online' })]),
      }),
      notification(t, 'chargeback', 'accept'),
    ],
    final: t,
    trace: [
      'pending/accept',
      'capture/accept',
      'settlement/accept',
      'settlement/accept',
      'partial_refund/accept',
      'partial_refund/accept',
      'refund/accept',
      'refund/accept',
      'refund/accept',
    ],
    illegal: [8],
    noop: [3, 5, 7],
    judgement: true,
    refund_amount: '145000.00',
    notes:
      '#3 direct refund answered 202 (declined by the bank): ignored, stays settlement, nothing refunded. #4 the retry of that same request (same refund_key, same amount) succeeds: partial_refund, refunded 50000. JUDGEMENT: the declined attempt created no refund, so the key was not used by a refund; Midtrans documents retrying a failed direct refund with the same key. #5 duplicate. #6 95000: cumulative 145000 = gross → refund. #7 duplicate. #8 refund is terminal and chargeback is not on any path to it: illegal.',
  });
}

// 91 ------------------------------------------------------------------------------------------------
{
  const nn = 91;
  const t = tx(oid(nn, 'refund-key-reuse'), 1, { time: '2024-06-21 10:10:10' });
  const k1 = `${t.order}-r1`;
  const k2 = `${t.order}-r2`;
  const c1 = nextDayAt(t.time, '17:00:00');
  const c2 = nextDayAt(c1, '09:00:00');
  const first = actionResponse(t, 'refund', refundOk(t, 'partial_refund', '40000.00', k1, 1), refundBody(k1, 40000));
  write({
    nn,
    slug: 'refund-key-reuse',
    description:
      'Settled 145000. Refund k1 of 40000 (200 partial_refund); the same answer is recorded twice (client retry of the same request); a new request of 30000 reusing k1 is answered 406 Duplicate refund ID; a request of 30000 with a fresh key succeeds; the refund notification lists both.',
    source: [D.domain('§5 (a refund is identified by its refund_key; a repeated 2xx answer to the same request is a duplicate; a new request reusing a key is not allowed)'), D.domain('§6 (refund_key never reused)'), D.facts('§3 (406 Duplicate refund ID)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
      first,
      first,
      actionResponse(t, 'refund', errorBody('406'), refundBody(k1, 30000)),
      actionResponse(t, 'refund', refundOk(t, 'partial_refund', '30000.00', k2, 2), refundBody(k2, 30000)),
      notification(t, 'partial_refund', 'accept', { extra: refundFields('70000.00', [refundEntry(1, '40000.00', k1, c1), refundEntry(2, '30000.00', k2, c2)]) }),
    ],
    final: t,
    trace: ['capture/accept', 'settlement/accept', 'partial_refund/accept', 'partial_refund/accept', 'partial_refund/accept', 'partial_refund/accept', 'partial_refund/accept'],
    illegal: [4],
    noop: [3, 6],
    judgement: true,
    refund_amount: '70000.00',
    notes:
      '#2 refund k1 40000 applied. #3 the same 2xx answer to the same request (same refund_key, same amount): duplicate, not a second refund (cumulative stays 40000). #4 a new refund request (30000) reusing k1 is not allowed (§5/§6): illegal. JUDGEMENT: DOMAIN names key reuse as a precondition failure; it is not an allowed action that Midtrans refused (which would be ignored). #5 k2 30000 applied: cumulative 70000. #6 cumulative 70000 with both refunds: duplicate.',
  });
}

// 92 ------------------------------------------------------------------------------------------------
{
  const nn = 92;
  const t = tx(oid(nn, 'refund-over-remaining'), 1, { time: '2024-06-22 16:16:16' });
  const k = (n: number) => `${t.order}-r${n}`;
  write({
    nn,
    slug: 'refund-exceeding-remaining',
    description:
      'Settled 145000; refund of 100000 (200 partial_refund). A 200 partial_refund answer for a further 60000 would bring the total to 160000; a request of 150000 is answered 414; a final 45000 refunds the rest (200 refund).',
    source: [D.domain('§6 (refund amount ≤ gross − refunded)'), D.domain('§5 (refund action answers carry that one refund; cumulative = previous + this; never above gross)'), D.facts('§3 (414 invalid amount)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
      actionResponse(t, 'refund', refundOk(t, 'partial_refund', '100000.00', k(1), 1), refundBody(k(1), 100000)),
      actionResponse(t, 'refund', refundOk(t, 'partial_refund', '60000.00', k(2), 2), refundBody(k(2), 60000)),
      actionResponse(t, 'refund', errorBody('414'), refundBody(k(3), 150000)),
      actionResponse(t, 'refund', refundOk(t, 'refund', '45000.00', k(4), 3), refundBody(k(4), 45000)),
    ],
    final: t,
    trace: ['capture/accept', 'settlement/accept', 'partial_refund/accept', 'partial_refund/accept', 'partial_refund/accept', 'refund/accept'],
    illegal: [3, 4],
    noop: [],
    refund_amount: '145000.00',
    notes:
      '#2 100000 refunded. #3 this answer claims a further 60000: cumulative 160000 > gross 145000, which no legal state allows (60000 exceeds the remaining 45000): not applied, illegal. #4 150000 exceeds the gross itself, so the refund was never allowed at any point: its 414 is illegal (not an ignored refusal). #5 45000 = the remaining amount: cumulative 145000 → refund.',
  });
}

// 93 ------------------------------------------------------------------------------------------------
{
  const nn = 93;
  const t = tx(oid(nn, 'refund-refused'), 1, { time: '2024-06-23 08:30:00' });
  const k = (n: number) => `${t.order}-r${n}`;
  write({
    nn,
    slug: 'refund-refused-406-414-ignored',
    description:
      'Settled 145000. A refund whose key Midtrans already knows from another order is answered 406; a refund of 100000 succeeds; a refund of 60000 (sent concurrently, before the 100000 was processed) is answered 414; the remaining 45000 is refunded.',
    source: [D.domain('§6 (an allowed action answered 412, 406, 414 or 5xx is ignored and raises action_refused; illegal only if never allowed on the path)'), D.domain('§4 (ignored)'), D.facts('§3 (406, 414)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
      actionResponse(t, 'refund', errorBody('406'), refundBody('shop-refund-0001', 20000)),
      actionResponse(t, 'refund', refundOk(t, 'partial_refund', '100000.00', k(1), 1), refundBody(k(1), 100000)),
      actionResponse(t, 'refund', errorBody('414'), refundBody(k(2), 60000)),
      actionResponse(t, 'refund', refundOk(t, 'refund', '45000.00', k(3), 2), refundBody(k(3), 45000)),
    ],
    final: t,
    trace: ['capture/accept', 'settlement/accept', 'settlement/accept', 'partial_refund/accept', 'partial_refund/accept', 'refund/accept'],
    illegal: [],
    noop: [2, 4],
    judgement: true,
    refund_amount: '145000.00',
    notes:
      '#2 refund at settlement with a key never used on this attempt and 20000 ≤ 145000: allowed, so Midtrans\'s 406 is ignored (action_refused). #3 100000 applied. #4 60000 exceeds what remains now (45000) but was allowed at settlement, a point of the attempt\'s path (the request may have been sent before #3 was processed): per §6 an action allowed at some point and answered 414 is ignored, not illegal. JUDGEMENT: contrast 92 #4, where the amount exceeds the gross and was never allowed. #5 45000 → cumulative 145000 → refund.',
  });
}

// 94 ------------------------------------------------------------------------------------------------
{
  const nn = 94;
  const t = tx(oid(nn, 'chargebacks'), 1, { time: '2024-06-24 12:00:00' });
  const cb = (amount?: string): J => ({
    ...(amount === undefined ? {} : { chargeback_amount: amount }),
    chargeback_reason_code: '10.4',
    dispute_case_id: `DSP-${t.order.slice(-6)}`,
  });
  write({
    nn,
    slug: 'chargeback-partial-then-full',
    description:
      'Settled 145000; the issuer disputes: partial_chargeback of 50000 (delivered twice), a further partial_chargeback bringing it to 80000, then a full chargeback; a refund notification arrives afterwards. Chargeback payloads carry extra unknown fields.',
    source: [D.domain('§2 (settlement → partial_chargeback → partial_chargeback → chargeback; chargeback terminal)'), D.domain('§5 (unknown extra fields accepted; chargeback amount from chargeback_amount)'), D.cycle, D.facts('§8.13 (chargeback notifications: 200, I)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
      notification(t, 'partial_chargeback', 'accept', { extra: cb('50000.00') }),
      notification(t, 'partial_chargeback', 'accept', { extra: cb('50000.00') }),
      notification(t, 'partial_chargeback', 'accept', { extra: cb('80000.00') }),
      notification(t, 'chargeback', 'accept', { extra: cb() }),
      notification(t, 'refund', 'accept', { extra: refundFields('145000.00', [refundEntry(1, '145000.00', `${t.order}-r1`, nextDayAt(t.time, '12:00:00'))]) }),
    ],
    final: t,
    trace: ['capture/accept', 'settlement/accept', 'partial_chargeback/accept', 'partial_chargeback/accept', 'partial_chargeback/accept', 'chargeback/accept', 'chargeback/accept'],
    illegal: [6],
    noop: [3],
    notes:
      '#2 settlement → partial_chargeback (50000). #3 same status and amount: duplicate. #4 a larger chargeback amount: partial_chargeback → partial_chargeback applied. #5 → chargeback (the whole amount). #6 refund after chargeback: chargeback is terminal and refund lies on no path to it: illegal (DOMAIN §2/§4). Its refund_amount (145000, ≤ gross, so §5 does not reject it) together with the full chargeback would also exceed the gross; an engine that checks refunds + chargebacks may reject it instead; either way it is not applied. The unknown fields (chargeback_reason_code, dispute_case_id) are accepted.',
  });
}

// 95 ------------------------------------------------------------------------------------------------
{
  const nn = 95;
  const t = tx(oid(nn, 'chargeback-direct'), 1, { card: CARD.threeDs, threeDs: true, time: '2024-06-25 19:19:19' });
  write({
    nn,
    slug: 'settlement-chargeback-direct',
    description:
      'Settled 3DS payment; a chargeback notification (whole amount, no chargeback_amount); then a late partial_chargeback notification of 50000 and a refund answered 412.',
    source: [D.domain('§2 (settlement → chargeback; partial_chargeback → chargeback)'), D.domain('§4 (stale)'), D.domain('§6 (refund allowed at settlement; 412 ignored)'), D.cycle],
    events: [
      chargeResponse(t, 'pending', 'accept'),
      notification(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept'),
      notification(t, 'chargeback', 'accept'),
      notification(t, 'partial_chargeback', 'accept', { extra: { chargeback_amount: '50000.00' } }),
      actionResponse(t, 'refund', errorBody('412'), refundBody(`${t.order}-r1`, 145000)),
    ],
    final: t,
    trace: ['pending/accept', 'capture/accept', 'settlement/accept', 'chargeback/accept', 'chargeback/accept', 'chargeback/accept'],
    illegal: [4],
    noop: [5],
    judgement: true,
    notes:
      '#3 settlement → chargeback applied (whole amount). #4 partial_chargeback of 50000 lies on the legal path settlement → partial_chargeback(50000) → chargeback: stale, not applied. JUDGEMENT: history that was skipped, by the path definition of stale. #5 refund was allowed at settlement, on the path: its 412 is ignored (action_refused).',
  });
}

// 96 ------------------------------------------------------------------------------------------------
{
  const nn = 96;
  const t = tx(oid(nn, 'status-code-mismatch'), 1, { time: '2024-06-26 10:45:00' });
  write({
    nn,
    slug: 'status-code-mismatch',
    description:
      'Non-3DS 200 capture/accept. Correctly signed notifications whose status_code does not match their status: settlement with 201, cancel with 200, capture without fraud_status with 201, deny with 200. Then the real settlement (200).',
    source: [D.domain('§5 (the signature does not cover the status; status_code must match it)'), D.facts('§2 (capture and settlement share one signature; status_code ↔ status pairing)'), D.charge],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept', { code: '201' }),
      notification(t, 'cancel', 'accept', { code: '200' }),
      notification(t, 'capture', null, { code: '201' }),
      notification(t, 'deny', 'accept', { code: '200' }),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['capture/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'settlement/accept'],
    illegal: [1, 2, 3, 4],
    noop: [],
    notes:
      'Each of #1–#4 verifies (signed over its own status_code) but the code contradicts the status: settlement needs 200, cancel 202, deny 202; #3 is capture without fraud_status, so the attempt\'s fraud_status (accept) decides and capture/accept needs 200. All rejected (rejected_input). #5 settlement applied.',
  });
}

// 97 ------------------------------------------------------------------------------------------------
{
  const nn = 97;
  const t = tx(oid(nn, 'malformed'), 1, { time: '2024-06-27 13:31:07' });
  write({
    nn,
    slug: 'malformed-inputs',
    description:
      'Non-3DS 200 capture/accept. Inputs that do not decode: status_code as a number, gross_amount as a number, a GET status answer with an unknown transaction_status "settled", an unknown fraud_status "review", a notification without transaction_id. Then a valid settlement with unknown extra fields.',
    source: [D.domain('§5 (status_code, gross_amount, transaction_status, order_id, transaction_id must be strings; unknown status or fraud value rejected; unknown extra fields accepted)'), D.facts('§5 (type assumptions in clients)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept', { mutate: (p) => void (p['status_code'] = 200) }),
      notification(t, 'settlement', 'accept', { mutate: (p) => void (p['gross_amount'] = 145000) }),
      statusResponse(t, 'settlement', 'accept', '200', { mutate: (p) => void (p['transaction_status'] = 'settled') }),
      notification(t, 'settlement', 'accept', { mutate: (p) => void (p['fraud_status'] = 'review') }),
      notification(t, 'settlement', 'accept', { mutate: (p) => void delete p['transaction_id'] }),
      notification(t, 'settlement', 'accept', {
        extra: { payment_option_type: 'CREDIT_CARD', channel: 'dragon', reference_id: 'DL-x7Kq2mPzR9', metadata: { extra_info: { shop: 'north' } } },
      }),
    ],
    final: t,
    trace: ['capture/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'settlement/accept'],
    illegal: [1, 2, 3, 4, 5],
    noop: [],
    notes:
      '#1 status_code 200 (number), #2 gross_amount 145000 (number), #3 transaction_status "settled", #4 fraud_status "review", #5 transaction_id missing: each rejected with the field\'s path; the order is known, so its state (capture/accept) is shown and rejected_input is flagged. #6 valid settlement with extra fields: applied.',
  });
}

// 98 ------------------------------------------------------------------------------------------------
{
  const nn = 98;
  const t = tx(oid(nn, 'forged'), 1, { time: '2024-06-28 22:22:22' });
  write({
    nn,
    slug: 'forged-and-unsigned',
    description:
      'Non-3DS 200 capture/accept. Settlement without signature_key; settlement signed with another key; a deny (202) carrying the signature of the 200 settlement; a settlement with a truncated signature. Then the genuine settlement.',
    source: [D.domain('§5 (signature_key = SHA512(order_id + status_code + gross_amount + server_key); missing or wrong → rejected)'), D.facts('§2 (signature), §5 (truncated docs signatures)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(t, 'settlement', 'accept', { sign: 'none' }),
      notification(t, 'settlement', 'accept', { sign: { key: 'SB-Mid-server-ATTACKER' } }),
      notification(t, 'deny', 'accept', { sign: { over: { status_code: '200' } } }),
      notification(t, 'settlement', 'accept', { sign: { raw: signatureKey(t.order, '200', t.gross, SERVER_KEY).slice(0, 70) } }),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['capture/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'capture/accept', 'settlement/accept'],
    illegal: [1, 2, 3, 4],
    noop: [],
    notes:
      '#1 no signature_key; #2 signed with SB-Mid-server-ATTACKER; #3 status_code 202 but the signature is the one over "200" (copied from a settlement): does not verify; #4 truncated signature. All rejected (rejected_input on the known order). #5 genuine settlement applied.',
  });
}

// 99 ------------------------------------------------------------------------------------------------
{
  const nn = 99;
  const t = tx(oid(nn, 'unknown-order-fee'), 1, { time: '2024-06-29 09:59:59' });
  const stranger = tx(oid(nn, 'never-charged'), 1, { time: '2024-06-29 09:58:00' });
  write({
    nn,
    slug: 'unknown-order-and-fee-imposition',
    description:
      'Non-3DS 200 capture/accept of 145000. A correctly signed notification for an order this system never opened; a settlement whose gross_amount includes an imposed fee (149350.00, original in metadata.extra_info.gross_amount_info), correctly signed over that amount; then the settlement of 145000.00.',
    source: [D.domain('§5 (order_id must belong to a known stream; gross_amount must equal the attempt\'s amount: fee imposition lands here)'), D.facts('§5 (midtrans-php#118 Automatic Fee Imposition)')],
    events: [
      chargeResponse(t, 'capture', 'accept'),
      notification(stranger, 'settlement', 'accept'),
      notification(t, 'settlement', 'accept', {
        gross: '149350.00',
        extra: { metadata: { extra_info: { gross_amount_info: { original_gross_amount: '145000.00', fee_amount: '4350.00' } } } },
      }),
      notification(t, 'settlement', 'accept'),
    ],
    final: t,
    trace: ['capture/accept', '-', 'capture/accept', 'settlement/accept'],
    illegal: [1, 2],
    noop: [],
    notes:
      '#1 the order is unknown (never opened by a charge_request or charge_response): rejected as unknown order (the webhook answers 404); the event names no known order, so its trace entry is null/null. #2 signature verifies over 149350.00, but 149350 ≠ 145000: rejected as amount mismatch (rejected_input). #3 settlement applied.',
  });
}

if (CHECK) {
  if (drifted.length > 0) {
    console.error(`corpus out of date: ${drifted.join(', ')}. Run \`npx tsx corpus/.authoring/build.ts\` and commit the result.`);
    process.exitCode = 1;
  } else console.log(`all ${written.length} scenario files match their source`);
} else console.log(`wrote ${written.length} files:\n${written.join('\n')}`);
