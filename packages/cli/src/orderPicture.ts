/**
 * `paystate inspect ORDER --format svg`: both machines, each with the path the order's latest
 * attempt took through it and the state it is in now highlighted.
 */
import * as E from 'fp-ts/lib/Either.js';
import { DIAGRAM_MACHINES, latestAttempt, toDot, type DotHighlight, type OrderState } from '@paystate/engine';
import { START } from '@paystate/engine';
import { dotToSvg, stackSvg } from './svg';
import type { TimelineEntry } from '@paystate/adapters';

/** The states the latest attempt went through in each machine, from the start, without repeats in a row. */
export const orderPaths = (state: OrderState, timeline: readonly TimelineEntry[]): { readonly transaction: DotHighlight; readonly fraud: DotHighlight } => {
  const attempt = latestAttempt(state);
  const transaction: string[] = [START];
  const fraud: string[] = [START];
  const push = (path: string[], s: string | null | undefined) => {
    if (s !== null && s !== undefined && path[path.length - 1] !== s) path.push(s);
  };
  for (const t of timeline) {
    const a = t.state?.attempts.find((x) => x.transactionId === attempt?.transactionId);
    push(transaction, a?.status);
    push(fraud, a?.fraud);
  }
  const current = (path: readonly string[]) => (path.length > 1 ? { current: path[path.length - 1]! } : {});
  return { transaction: { path: transaction, ...current(transaction) }, fraud: { path: fraud, ...current(fraud) } };
};

/** Each machine drawn as its own SVG document (Graphviz output), with the order's path and current state highlighted. */
export const machineSvgs = async (
  state: OrderState,
  timeline: readonly TimelineEntry[],
): Promise<E.Either<string, readonly { readonly name: 'transaction' | 'fraud'; readonly highlight: DotHighlight; readonly svg: string }[]>> => {
  const paths = orderPaths(state, timeline);
  const out: { name: 'transaction' | 'fraud'; highlight: DotHighlight; svg: string }[] = [];
  for (const d of DIAGRAM_MACHINES) {
    const svg = await dotToSvg(toDot(d.machine, { highlight: paths[d.name] }));
    if (E.isLeft(svg)) return svg;
    out.push({ name: d.name, highlight: paths[d.name], svg: svg.right });
  }
  return E.right(out);
};

/** The picture as one SVG document. */
export const orderSvg = async (state: OrderState, timeline: readonly TimelineEntry[]): Promise<E.Either<string, string>> => {
  const machines = await machineSvgs(state, timeline);
  if (E.isLeft(machines)) return machines;
  const parts = machines.right.map((m) => m.svg);
  const a = latestAttempt(state);
  const now = a === undefined ? 'nothing observed' : `${a.status}${a.fraud === null ? '' : `/${a.fraud}`}`;
  return E.right(stackSvg(`order ${state.orderId}: ${now}`, parts));
};
