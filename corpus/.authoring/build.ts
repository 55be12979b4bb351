/**
 * Expands the scenario descriptions in scenarios/NN-slug.json into the project's own scenario files
 * (corpus/NN-slug.json, the replay format the corpus runner reads). Payload shapes come from
 * templates.json; notifications are signed with the adapter's `signatureKey`, so every valid
 * signature_key is right by construction. Expectations are copied from the descriptions, where they
 * are written by hand from the domain rules (never computed by the engine). See README.md.
 *
 *   npx tsx corpus/.authoring/build.ts           writes corpus/*.json
 *   npx tsx corpus/.authoring/build.ts --check   compares instead; exit 1 on any difference
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signatureKey } from '../../packages/adapters/src/midtrans/signature';

type J = Record<string, unknown>;

interface Templates {
  readonly server_key: string;
  readonly defaults: { readonly gross_amount: string; readonly card: string; readonly reason: string };
  readonly cards: Record<string, { readonly masked_card: string; readonly bank: string }>;
  readonly events: Record<string, J>;
  readonly requests: Record<string, J>;
  readonly answers: Record<string, J>;
  readonly error_messages: Record<string, string>;
}

interface AttemptSpec {
  readonly time: string;
  readonly order?: string;
  readonly card?: string;
  readonly three_ds?: boolean;
}

/** One observation: exactly one kind key (see KINDS), the options of that kind, and its expectation. */
interface EventSpec {
  readonly [key: string]: unknown;
  readonly attempt?: number;
  readonly then: string;
  readonly illegal?: boolean;
  readonly noop?: boolean;
}

interface ScenarioSpec {
  readonly description: string;
  readonly source: readonly string[];
  readonly order: string;
  readonly attempts: readonly AttemptSpec[];
  readonly events: readonly EventSpec[];
  readonly final_attempt?: number | null;
  readonly refund_amount?: string;
  readonly judgement_call?: boolean;
  readonly notes: string;
}

/** The options each kind accepts, besides attempt/then/illegal/noop. */
const KINDS: Record<string, readonly string[]> = {
  charge_request: [],
  charge_response: ['gross_amount'],
  callback_3ds: [],
  notification: ['status_code', 'gross_amount', 'refund_amount', 'refunds', 'extra', 'signature', 'overrides', 'remove'],
  status_response: ['status_code', 'asked_by', 'overrides', 'remove'],
  action: ['status_code', 'transaction_status', 'refund_chargeback_id', 'refund_key', 'amount', 'reason', 'overrides', 'remove'],
  deadline_passed: ['at'],
};
const COMMON = ['attempt', 'then', 'illegal', 'noop'];

const HERE = __dirname;
const OUT = join(HERE, '..');
const T = JSON.parse(readFileSync(join(HERE, 'templates.json'), 'utf8')) as Templates;

const APPROVED = new Set(['capture', 'authorize', 'settlement', 'refund', 'partial_refund', 'chargeback', 'partial_chargeback', 'cancel']);
const SETTLED = new Set(['settlement', 'refund', 'partial_refund', 'chargeback', 'partial_chargeback']);
const DEFAULT_CODE: Record<string, string> = { pending: '201', deny: '202', cancel: '202', expire: '202', failure: '202' };
const OK = { channel_response_code: '00', channel_response_message: 'Approved' };
const DO_NOT_HONOR = { channel_response_code: '05', channel_response_message: 'Do not honor' };

// -------------------------------------------------------------------------------------------------
// templates
// -------------------------------------------------------------------------------------------------

/**
 * Fills a template: a string that is exactly "{name}" becomes the value itself (any JSON value),
 * "{name?}" likewise but its field is left out when there is no value, and "{name}" inside a longer
 * string is replaced by the value's text. A missing value for a required placeholder is an error.
 */
const fill = (tpl: unknown, vars: J): unknown => {
  if (typeof tpl === 'string') {
    const value = (name: string, optional: boolean): unknown => {
      if (vars[name] === undefined && !optional) throw new Error(`no value for {${name}} in template`);
      return vars[name];
    };
    const whole = /^\{(\w+)(\?)?\}$/.exec(tpl);
    return whole ? value(whole[1]!, whole[2] === '?') : tpl.replace(/\{(\w+)\}/g, (_, name: string) => String(value(name, false)));
  }
  if (Array.isArray(tpl)) return tpl.map((x) => fill(x, vars));
  if (tpl !== null && typeof tpl === 'object') {
    return Object.fromEntries(Object.entries(tpl).map(([k, x]) => [k, fill(x, vars)]).filter(([, x]) => x !== undefined));
  }
  return tpl;
};

// -------------------------------------------------------------------------------------------------
// attempts
// -------------------------------------------------------------------------------------------------

/** A deterministic uuid-v4-looking id. */
const uuid = (seed: string): string => {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = '89ab'[parseInt(h[16]!, 16) % 4]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const plusMinutes = (t: string, minutes: number): string =>
  new Date(Date.parse(`${t.replace(' ', 'T')}Z`) + minutes * 60_000).toISOString().replace('T', ' ').slice(0, 19);
const nextDayAt = (t: string, hhmmss: string): string => `${plusMinutes(t, 24 * 60).slice(0, 10)} ${hhmmss}`;

interface Attempt {
  readonly threeDs: boolean;
  /** The values every template may use. */
  readonly facts: J & { readonly order_id: string; readonly transaction_id: string; readonly transaction_time: string; readonly gross_amount: string };
  readonly approval: string;
  readonly eci: string;
}

/** The n-th attempt (from 1) on its order: ids, approval code and times follow from order, n and time. */
const attempt = (a: AttemptSpec, order: string, n: number): Attempt => {
  const card = T.cards[a.card ?? T.defaults.card];
  if (card === undefined) throw new Error(`unknown card ${a.card}`);
  const gross = T.defaults.gross_amount;
  return {
    threeDs: a.three_ds ?? false,
    facts: {
      order_id: order,
      transaction_id: uuid(`${order}#${n}`),
      transaction_time: a.time,
      gross_amount: gross,
      gross_units: Number(gross.split('.')[0]),
      masked_card: card.masked_card,
      bank: card.bank,
      bank_upper: card.bank.toUpperCase(),
      card_prefix: `${card.masked_card.slice(0, 6)}-${card.masked_card.slice(-4)}`,
      token_uuid: uuid(`${order}#token`),
      settlement_time: nextDayAt(a.time, '16:00:00'),
    },
    approval: String(Date.parse(`${a.time.replace(' ', 'T')}+07:00`) + 3_000 + n),
    eci: (a.three_ds ?? false) ? '05' : '06',
  };
};

// -------------------------------------------------------------------------------------------------
// observations
// -------------------------------------------------------------------------------------------------

const split = (s: string): { status: string; fraud: string | undefined } => {
  const [status, fraud] = s.split('/');
  return { status: status!, fraud };
};

/** The variables of one observation, by kind; `value` is what the kind key holds. */
const variables = (kind: string, value: unknown, e: EventSpec, a: Attempt): J => {
  const f = a.facts;
  const { status, fraud } = typeof value === 'string' ? split(value) : { status: '', fraud: undefined };
  const approved = APPROVED.has(status);
  const common = { ...f, transaction_status: status, fraud_status: fraud, settlement_time: SETTLED.has(status) ? f.settlement_time : undefined };
  switch (kind) {
    case 'charge_request':
      return { ...f, ...(value as J) };
    case 'charge_response': {
      const code = status === 'pending' || (status === 'capture' && fraud === 'challenge') ? '201' : status === 'deny' ? '202' : '200';
      const bankDeny = `Deny by Bank [${String(f['bank_upper'])}] with code [05] and message [Do not honor]`;
      const message = status !== 'deny' ? 'Success, Credit Card transaction is successful' : fraud === 'deny' ? 'Denied by FDS' : bankDeny;
      const pending = {
        redirect_url: `https://api.sandbox.midtrans.com/v2/token/rba/redirect/${String(f['card_prefix'])}-${f.transaction_id}`,
        three_ds_version: '2',
        on_us: true,
        expiry_time: plusMinutes(f.transaction_time, 10),
      };
      const expiry = status === 'authorize' ? plusMinutes(f.transaction_time, 7 * 24 * 60) : undefined;
      const outcome = status === 'pending' ? pending : status === 'deny' ? DO_NOT_HONOR : { approval_code: a.approval, eci: a.eci, ...OK, on_us: true, expiry_time: expiry };
      return { ...common, status_code: code, status_message: message, gross_amount: e['gross_amount'] ?? f.gross_amount, ...outcome };
    }
    case 'callback_3ds':
      return status === 'capture'
        ? { ...common, status_code: '200', status_message: 'Success, Credit Card transaction is successful', ...OK, approval_code: a.approval }
        : { ...common, status_code: '202', status_message: 'Card is not authenticated.' };
    case 'notification': {
      const bankDeny = status === 'deny' && fraud !== 'deny';
      return {
        ...common,
        status_code: e['status_code'] ?? (status === 'capture' && fraud === 'challenge' ? '201' : (DEFAULT_CODE[status] ?? '200')),
        gross_amount: e['gross_amount'] ?? f.gross_amount,
        three_ds_version: a.threeDs ? '2' : undefined,
        ...(approved ? { eci: a.eci, approval_code: a.approval, ...OK } : bankDeny ? { eci: a.eci, ...DO_NOT_HONOR } : {}),
        expiry_time: status === 'pending' ? plusMinutes(f.transaction_time, 10) : undefined,
        refund_amount: e['refund_amount'],
        refunds: (e['refunds'] as J[] | undefined)?.map(({ refund_chargeback_id, refund_amount, created_at, reason, refund_key, ...rest }) => ({
          refund_chargeback_id,
          refund_amount,
          created_at,
          reason: reason ?? T.defaults.reason,
          refund_key,
          ...rest,
        })),
      };
    }
    case 'status_response': {
      const code = e['status_code'] as string;
      return {
        ...common,
        status_code: code,
        asked_by: e['asked_by'] === 'transaction_id' ? f.transaction_id : f.order_id,
        approval_code: approved ? a.approval : undefined,
        signature_key: signatureKey(f.order_id, code, f.gross_amount, T.server_key),
        ...(approved ? OK : {}),
        expiry_time: status === 'expire' || status === 'pending' ? plusMinutes(f.transaction_time, 10) : undefined,
      };
    }
    case 'action': {
      const code = e['status_code'] as string;
      const vars = { ...f, action: value, approval_code: a.approval, eci: a.eci, amount: f['gross_units'], reason: T.defaults.reason, ...e };
      const answer = T.answers[`${String(value)} ${code}`] ?? T.answers['error'];
      const request = fill(T.requests[value as string] ?? T.requests['other'], vars);
      return { action: value, request, answer: fill(answer, { ...vars, error_message: T.error_messages[code] ?? T.error_messages['other'] }) };
    }
    case 'deadline_passed':
      return { ...f, reason: value, at: e['at'] };
    default:
      throw new Error(`unknown kind ${kind}`);
  }
};

/** The signature_key a notification carries: valid by default, or made wrong on purpose. */
const sign = (p: J, how: unknown): void => {
  if (how === 'none') delete p['signature_key'];
  else {
    const o = (how ?? {}) as { server_key?: string; status_code?: string; gross_amount?: string; length?: number };
    const key = signatureKey(p['order_id'] as string, o.status_code ?? (p['status_code'] as string), o.gross_amount ?? (p['gross_amount'] as string), o.server_key ?? T.server_key);
    p['signature_key'] = key.slice(0, o.length);
  }
};

const observation = (spec: EventSpec, attempts: readonly Attempt[], where: string): J => {
  const kind = Object.keys(spec)[0]!;
  const unknown = Object.keys(spec).filter((k) => k !== kind && !COMMON.includes(k) && !KINDS[kind]?.includes(k));
  if (KINDS[kind] === undefined || unknown.length > 0) throw new Error(`${where}: unknown kind "${kind}" or options ${unknown.join(', ')}`);
  const a = attempts[(spec.attempt ?? 1) - 1];
  if (a === undefined) throw new Error(`${where}: no attempt ${spec.attempt}`);
  const e = fill(spec, { order: a.facts.order_id }) as EventSpec;
  const event = fill(T.events[kind === 'action' ? 'action_response' : kind], variables(kind, e[kind], e, a)) as J;
  const payload = event['payload'] as J;
  if (kind === 'notification') {
    Object.assign(payload, e['extra'] ?? {});
    sign(payload, e['signature']);
  }
  Object.assign(payload, e['overrides'] ?? {});
  for (const field of (e['remove'] as string[] | undefined) ?? []) delete payload[field];
  return event;
};

// -------------------------------------------------------------------------------------------------
// scenario files
// -------------------------------------------------------------------------------------------------

const pair = (s: string) => {
  if (s === '-') return { transaction_status: null, fraud_status: null };
  const { status, fraud } = split(s);
  return { transaction_status: status, fraud_status: fraud ?? null };
};

const scenarioFile = (name: string, s: ScenarioSpec): J => {
  const orders = s.attempts.map((a) => a.order ?? s.order);
  const attempts = s.attempts.map((a, i) => attempt(a, orders[i]!, orders.slice(0, i + 1).filter((o) => o === orders[i]).length));
  const last = orders.lastIndexOf(s.order) + 1;
  const final = s.final_attempt === null ? null : attempts[(s.final_attempt ?? last) - 1];
  const indices = (flag: 'illegal' | 'noop') => s.events.flatMap((e, i) => (e[flag] === true ? [i] : []));
  const end = pair(s.events[s.events.length - 1]!.then);
  return {
    name: name.replace(/^\d+-/, ''),
    description: s.description,
    source: s.source,
    server_key: T.server_key,
    events: s.events.map((e, i) => observation(e, attempts, `${name} #${i}`)),
    expect: {
      order_id: s.order,
      transaction_id: final?.facts.transaction_id ?? null,
      ...end,
      illegal: indices('illegal'),
      noop: indices('noop'),
      trace: s.events.map((e) => pair(e.then)),
      ...(s.refund_amount === undefined ? {} : { refund_amount: s.refund_amount }),
      judgement_call: s.judgement_call ?? false,
      notes: s.notes,
    },
  };
};

/** `--check`: compare with the committed files instead of writing them; exit 1 on any difference. */
const CHECK = process.argv.includes('--check');
const SCENARIOS = join(HERE, 'scenarios');
const names = readdirSync(SCENARIOS).filter((f) => f.endsWith('.json')).sort();
const drifted: string[] = [];
for (const name of names) {
  const spec = JSON.parse(readFileSync(join(SCENARIOS, name), 'utf8')) as ScenarioSpec;
  const text = `${JSON.stringify(scenarioFile(name.replace(/\.json$/, ''), spec), null, 2)}\n`;
  const path = join(OUT, name);
  if (!CHECK) writeFileSync(path, text);
  else if (!existsSync(path) || readFileSync(path, 'utf8') !== text) drifted.push(name);
}
const orphans = readdirSync(OUT).filter((f) => f.endsWith('.json') && !names.includes(f));
const problems = [...drifted.map((f) => `${f} differs from its scenario`), ...orphans.map((f) => `${f} has no scenario`)];
if (CHECK && problems.length > 0) {
  console.error(`corpus out of date: ${problems.join('; ')}. Run \`npx tsx corpus/.authoring/build.ts\` and commit the result.`);
  process.exitCode = 1;
} else if (CHECK) console.log(`all ${names.length} scenario files match their source`);
else console.log(`wrote ${names.length} files${orphans.length > 0 ? ` (no scenario for ${orphans.join(', ')})` : ''}:\n${names.join('\n')}`);
