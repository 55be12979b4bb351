/**
 * The order page: the business answers with their reasons, the attempts, flags and deadlines, the
 * timeline of every observation (outcome as a colour and a word, reason, signature, raw input on
 * demand) and both machines drawn with the order's path, as `paystate inspect --format svg` draws them.
 */
import { maskCardNumbersIn, orderDocument, type OrderDocument, type TimelineEntry } from '@paystate/adapters';
import type { OrderState } from '@paystate/engine';
import { html, raw, type Html } from './html';

/** What the signature column says: a stored notification was verified; a rejected one may have failed it. */
export const signatureOf = (kind: string, source: TimelineEntry['source'], reason: string): 'valid' | 'invalid' | 'not checked' | 'not signed' => {
  if (kind !== 'notification') return 'not signed';
  if ('stream' in source) return 'valid';
  return reason.startsWith('signature_key') ? 'invalid' : 'not checked';
};

const SIGNATURE_CLASS = { valid: 'sig-valid', invalid: 'sig-invalid', 'not checked': 'sig-none', 'not signed': 'sig-none' } as const;

const yesNo = (value: boolean): Html => (value ? html`<span class="yes">yes</span>` : html`<span class="no">no</span>`);

const answersList = (doc: OrderDocument): Html => {
  const a = doc.answers;
  const row = (label: string, value: Html | string, why: string) => html`<dt>${label}</dt><dd>${value}</dd><dd class="why">${why}</dd>`;
  return html`<dl class="answers">
${row('Paid', yesNo(a.paid.value), a.paid.reason)}
${row('Can ship', yesNo(a.can_ship.value), a.can_ship.reason)}
${row('Needs review', yesNo(a.needs_review.value), a.needs_review.reason)}
${row('Needs reconciliation', yesNo(a.needs_reconciliation.value), a.needs_reconciliation.reason)}
${row('Can cancel', yesNo(a.can_cancel.value), a.can_cancel.reason)}
${row('Refundable remaining', html`<code>${a.refundable_remaining.value}</code>`, a.refundable_remaining.reason)}
${row('Allowed actions', doc.allowed_actions.length === 0 ? 'none' : doc.allowed_actions.join(', '), 'what the machines allow from the current state')}
</dl>`;
};

const attemptsTable = (doc: OrderDocument): Html => {
  const rows = Object.entries(doc.attempts);
  if (rows.length === 0) return html`<p>No attempt yet: no observation carried a transaction_id.</p>`;
  return html`<table>
<caption class="visually-hidden">Attempts, oldest first</caption>
<thead><tr><th scope="col">Transaction id</th><th scope="col">Transaction status</th><th scope="col">Fraud status</th><th scope="col">Gross amount</th><th scope="col">Refunded</th></tr></thead>
<tbody>
${rows.map(([tid, a]) => html`<tr><td class="id">${tid}</td><td>${a.transaction_status}</td><td>${a.fraud_status ?? 'none'}</td><td><code>${a.gross_amount}</code></td><td><code>${a.refund_amount}</code></td></tr>`)}
</tbody>
</table>`;
};

const flagsAndDeadlines = (doc: OrderDocument): Html => html`<h2 id="flags">Open flags</h2>
${
  doc.open_flags.length === 0
    ? html`<p>None: nothing to reconcile.</p>`
    : html`<ul>${doc.open_flags.map((f) => html`<li><strong>${f.flag}</strong>: ${f.reason}</li>`)}</ul>`
}
<h2 id="deadlines">Next deadlines</h2>
${
  doc.deadlines.length === 0
    ? html`<p>None planned.</p>`
    : html`<ul>${doc.deadlines.map((d) => html`<li><strong>${d.kind}</strong> at ${d.at} GMT+7: ${d.why}</li>`)}</ul>`
}`;

const timelineTable = (doc: OrderDocument, timeline: readonly TimelineEntry[]): Html => html`<table class="timeline">
<caption class="visually-hidden">Every observation of the order, in the order received</caption>
<thead><tr><th scope="col">#</th><th scope="col">Received at</th><th scope="col">Kind</th><th scope="col">Outcome</th><th scope="col">Reason</th><th scope="col">State after</th><th scope="col">Signature</th><th scope="col">Input</th></tr></thead>
<tbody>
${doc.timeline.map((t, i) => {
  const signature = signatureOf(t.kind, t.source, t.reason);
  const where = 'stream' in t.source ? `stream version ${t.source.stream}` : `rejection log entry ${t.source.rejection}`;
  return html`<tr data-outcome="${t.outcome}">
<td>${i + 1}</td>
<td>${t.received_at}</td>
<td>${t.kind}</td>
<td><span class="badge o-${t.outcome}">${t.outcome}</span></td>
<td>${t.reason}</td>
<td>${t.transaction_status ?? '—'}${t.fraud_status === null ? null : ` / ${t.fraud_status}`}</td>
<td class="${SIGNATURE_CLASS[signature]}">${signature}</td>
<td><details id="raw-${i + 1}"><summary>raw input<span class="visually-hidden"> of observation ${i + 1}</span></summary><p>${where}</p><pre>${maskCardNumbersIn(timeline[i]?.raw ?? '')}</pre></details></td>
</tr>`;
})}
</tbody>
</table>`;

/** One machine's Graphviz SVG, inlined: its prolog dropped, its ids made unique on the page, named for assistive technology. */
const inlineSvg = (name: string, svg: string, label: string): Html => {
  const body = svg.slice(svg.indexOf('<svg'));
  // Graphviz output of the engine's own machines (state names and descriptions, never recorded input).
  return raw(
    body
      .replace(/ id="/g, ` id="${name}-`)
      .replace(/^<svg/, `<svg role="img" aria-label="${label.replace(/[&<>"]/g, '')}" class="machine" data-machine="${name}"`)
      .replace(/<!--[\s\S]*?-->/g, ''),
  );
};

export interface MachinePicture {
  readonly name: 'transaction' | 'fraud';
  readonly highlight: { readonly path: readonly string[]; readonly current?: string };
  readonly svg: string;
}

/** The order page's <main> content. */
export const orderBody = (state: OrderState, timeline: readonly TimelineEntry[], machines: readonly MachinePicture[] | string): Html => {
  const doc = orderDocument(state, timeline);
  const now = doc.transaction_status === null ? 'nothing observed yet' : `${doc.transaction_status}${doc.fraud_status === null ? '' : ` / ${doc.fraud_status}`}`;
  return html`<h1>Order <span class="id">${doc.order_id}</span></h1>
<p>Now: <strong id="now">${now}</strong> · stream version <span id="version">${doc.version}</span> · ${doc.timeline.length} observation${doc.timeline.length === 1 ? '' : 's'}</p>
<p id="live-status" class="live" role="status" aria-live="polite"></p>
<h2 id="answers">Answers</h2>
${answersList(doc)}
<h2 id="attempts">Attempts</h2>
${attemptsTable(doc)}
${flagsAndDeadlines(doc)}
<h2 id="timeline">Timeline</h2>
${timelineTable(doc, timeline)}
<h2 id="machines">State machines</h2>
${
  typeof machines === 'string'
    ? html`<p class="error">${machines}</p>`
    : html`<div class="machines">${machines.map((m) => {
        const label = `${m.name === 'transaction' ? 'transaction_status' : 'fraud_status'} machine: path ${m.highlight.path.join(' → ')}${m.highlight.current === undefined ? '' : `, now ${m.highlight.current}`}`;
        return html`<figure><figcaption>${m.name === 'transaction' ? 'transaction_status' : 'fraud_status'}: now <strong>${m.highlight.current ?? 'not started'}</strong> (path: ${m.highlight.path.join(' → ')})</figcaption>${inlineSvg(m.name, m.svg, label)}</figure>`;
      })}</div>`
}`;
};
