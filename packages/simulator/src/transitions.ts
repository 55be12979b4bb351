/**
 * How a transaction changes status: every move is recorded in its history and notified, and a
 * card's verdict (once authenticated, or at once without 3DS) decides where a charge goes.
 */
import { notify } from './deliveries';
import { saveCardOf } from './savedCards';
import type { SimContext, SimTransaction } from './state';
import type { FraudStatus, TransactionStatus } from './status';

/** Moves the transaction to a status (and fraud status), records it and queues its notification. */
export const move = (ctx: SimContext, tx: SimTransaction, status: TransactionStatus, fraud: FraudStatus | undefined = tx.fraud): void => {
  tx.status = status;
  tx.fraud = fraud;
  tx.history.push({ at: ctx.st.now, transaction_status: status, fraud_status: fraud ?? null });
  notify(ctx, tx);
};

const APPROVED = { code: '00', message: 'Approved' } as const;
const DECLINED = { code: '05', message: 'Do not honor' } as const;

/** The card's verdict once it is authenticated (or when no 3DS is asked for). */
export const decide = (ctx: SimContext, tx: SimTransaction): void => {
  switch (tx.card.outcome) {
    case 'accept':
    case 'challenge':
      tx.approvalCode = String(ctx.st.ids.int(100000, 999999));
      tx.channelResponse = APPROVED;
      if (!tx.preauth) tx.captureTime = ctx.st.now;
      saveCardOf(ctx, tx);
      move(ctx, tx, tx.preauth ? 'authorize' : 'capture', tx.card.outcome === 'accept' ? 'accept' : 'challenge');
      return;
    case 'fds_deny':
      tx.channelResponse = APPROVED;
      move(ctx, tx, 'deny', 'deny');
      return;
    case 'bank_deny':
      tx.channelResponse = DECLINED;
      move(ctx, tx, 'deny', 'accept');
      return;
  }
};
