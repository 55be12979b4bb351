/**
 * The fulfilment subscriber: ships an order when paystate reports it paid. paystate hands each
 * business change at least once (again after a crash before its checkpoint), so the shipment is
 * keyed by the change id and a redelivered change ships nothing twice.
 */

export const createFulfilment = ({ shipments, log }) => async (change) => {
  if (change.kind !== 'paid') return;
  const { canShip } = change.answers;
  if (!canShip.value) {
    // Paid, but something asks for reconciliation first (GET status); a person decides.
    log({ event: 'held', orderId: change.orderId, changeId: change.id, reason: canShip.reason });
    return;
  }
  // A real service calls its warehouse here, passing change.id as the idempotency key.
  const first = await shipments.record(change.id, change.orderId, new Date().toISOString());
  log({ event: first ? 'shipped' : 'already_shipped', orderId: change.orderId, changeId: change.id });
};
