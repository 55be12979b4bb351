/** An order whose id, custom field and status message are markup: what an attacker posting to the webhook would plant. */
import * as E from 'fp-ts/lib/Either.js';
import { signNotification, type Paystate } from '@paystate/adapters';

export const HOSTILE_ORDER_ID = '<script>window.__pwned=1</script>"><img src=x onerror=window.__pwned=2>';
export const HOSTILE_FIELD = '"><img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script>';
export const HOSTILE_TRANSACTION_ID = 'tx-hostile-0001';

const base = {
  order_id: HOSTILE_ORDER_ID,
  transaction_id: HOSTILE_TRANSACTION_ID,
  gross_amount: '145000.00',
  currency: 'IDR',
  payment_type: 'credit_card',
  transaction_time: '2024-06-04 13:20:05',
  masked_card: '48111111-1114',
  custom_field1: HOSTILE_FIELD,
};

/** Records the hostile order at capture/challenge (it needs review). */
export const plantHostileOrder = async (paystate: Pick<Paystate, 'ingest'>): Promise<void> => {
  const r = await paystate.ingest({
    kind: 'charge_response',
    payload: { ...base, status_code: '201', status_message: '<b>challenge</b><script>window.__pwned=5</script>', transaction_status: 'capture', fraud_status: 'challenge' },
  })();
  if (E.isLeft(r) || r.right.outcome !== 'applied') throw new Error(`the hostile order was not recorded: ${JSON.stringify(r)}`);
};

/** The notification Midtrans would send once the challenge is approved, signed with `serverKey`. */
export const hostileAcceptNotification = (serverKey: string): string =>
  JSON.stringify(
    signNotification(
      { ...base, status_code: '200', status_message: 'midtrans payment notification <img src=x onerror=window.__pwned=6>', transaction_status: 'capture', fraud_status: 'accept' },
      serverKey,
    ),
  );
