/**
 * Ingest benchmark: what one notification costs end to end in memory — parse, io-ts decode,
 * signature check and fold — against JSON.parse plus one SHA-512 of the same payloads (both hash
 * with Node's one-shot `crypto.hash`).
 */
import { hash } from 'node:crypto';
import { createLedger, type Observation } from '@paystate/engine';
import { parseReplayLine, signNotification } from '@paystate/adapters';
import { collectGarbage } from './fold';
import type { BenchSection } from './benchSection';

const KEY = 'SB-Mid-server-BENCH';

/** Signed notification lines for `orders` orders (capture, duplicate, settlement each), and the charge responses that open them. */
export const notificationWorkload = (orders: number) => {
  const openers: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < orders; i++) {
    const order = `bench-${i}`;
    const tid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const base = {
      transaction_time: '2024-05-14 10:15:20',
      transaction_id: tid,
      status_message: 'midtrans payment notification',
      payment_type: 'credit_card',
      order_id: order,
      merchant_id: 'G000000001',
      masked_card: '48111111-1114',
      gross_amount: '145000.00',
      currency: 'IDR',
      card_type: 'credit',
      bank: 'bni',
      fraud_status: 'accept',
      eci: '05',
      channel_response_code: '00',
      channel_response_message: 'Approved',
    };
    openers.push(JSON.stringify({ kind: 'charge_response', payload: { ...base, status_code: '201', transaction_status: 'pending', status_message: 'Success' } }));
    const capture = JSON.stringify({ kind: 'notification', payload: signNotification({ ...base, status_code: '200', transaction_status: 'capture' }, KEY) });
    const settle = JSON.stringify({
      kind: 'notification',
      payload: signNotification({ ...base, status_code: '200', transaction_status: 'settlement', settlement_time: '2024-05-15 16:00:00' }, KEY),
    });
    lines.push(capture, capture, settle);
  }
  return { openers, lines };
};

const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));

export const ingestSection: BenchSection = {
  name: 'ingest',
  title: 'per notification: JSON.parse + io-ts decode + SHA-512 verify + fold, vs JSON.parse + one SHA-512',
  async run(ctx) {
    const orders = ctx.quick ? 20_000 : 100_000;
    const { openers, lines } = notificationWorkload(orders);
    const pipeline: number[] = [];
    const baseline: number[] = [];
    let sink = 0;
    for (let round = 0; round < 3; round++) {
      // the pipeline, on a ledger whose orders the charge responses opened (not timed)
      const ledger = createLedger();
      for (const o of openers) ledger.observe(parseReplayLine(o, { serverKey: KEY }));
      collectGarbage();
      let t0 = performance.now();
      const outcomes = new Map<string, number>();
      for (const line of lines) {
        const obs: Observation = parseReplayLine(line, { serverKey: KEY });
        const d = ledger.observe(obs).decision;
        outcomes.set(d.outcome, (outcomes.get(d.outcome) ?? 0) + 1);
      }
      pipeline.push(rate(lines.length, performance.now() - t0));
      if (round === 0) ctx.log(`pipeline outcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
      // the baseline: parse the same lines and hash the signed fields once
      collectGarbage();
      t0 = performance.now();
      for (const line of lines) {
        const p = (JSON.parse(line) as { payload: Record<string, string> }).payload;
        sink += hash('sha512', p['order_id']! + p['status_code']! + p['gross_amount']! + KEY, 'hex').length;
      }
      baseline.push(rate(lines.length, performance.now() - t0));
    }
    if (sink === 0) throw new Error('baseline did no work');
    const p = Math.max(...pipeline);
    const b = Math.max(...baseline);
    ctx.log(`pipeline: ${p.toLocaleString('en-US')} notifications/s; baseline: ${b.toLocaleString('en-US')}/s; ratio ${(p / b).toFixed(2)} (target >= 0.4)`);
    return { 'ingest.pipeline_ops': p, 'ingest.baseline_ops': b };
  },
};
