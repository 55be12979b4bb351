/** The console's home: the orders that need someone, a count per kind, paged. */
import { ATTENTION_LISTS, type AttentionList, type AttentionPage } from '@paystate/adapters';
import { html, pathSegment, type Html } from './html';

export const LIST_TITLES: Readonly<Record<AttentionList, { readonly title: string; readonly means: string }>> = {
  review: { title: 'Needs review', means: "Midtrans' fraud detection challenged the payment: approve or deny it in the Midtrans dashboard or through the Core API." },
  reconciliation: { title: 'Needs reconciliation', means: 'Something did not add up (a flag was raised): ask Midtrans for the status (GET status) to settle it.' },
  deadline: { title: 'Deadline passed', means: 'A planned deadline (3DS expiry, settlement, capture) has passed without the observation that should have come: ask Midtrans for the status.' },
  fulfilment: { title: 'Paid, not handed to fulfilment', means: 'Paid orders the fulfilment subscriber has not handled yet: its checkpoint is before the payment.' },
};

export const isList = (s: string | null): s is AttentionList => s !== null && (ATTENTION_LISTS as readonly string[]).includes(s);

export interface AttentionView {
  readonly prefix: string;
  readonly counts: Readonly<Record<AttentionList, number>>;
  readonly page: AttentionPage;
  /** Whether this is a later page (a cursor was given). */
  readonly paged: boolean;
  /** A note above the list (a search that found nothing). */
  readonly note?: string;
}

const listLink = (prefix: string, list: AttentionList, cursor?: string): string =>
  `${prefix}/?list=${list}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;

/** The home page's <main> content. */
export const attentionBody = (v: AttentionView): Html => {
  const { prefix, page } = v;
  const current = page.attention;
  return html`<h1>Payments needing attention</h1>
${v.note === undefined ? null : html`<p class="note" role="status">${v.note}</p>`}
<nav aria-label="Attention lists">
<ul class="counts">
${ATTENTION_LISTS.map(
  (list) =>
    html`<li><a href="${listLink(prefix, list)}" data-list="${list}"${list === current ? html` aria-current="page"` : null}><span class="n">${v.counts[list]}</span>${LIST_TITLES[list].title}</a></li>`,
)}
</ul>
</nav>
<h2 id="list">${LIST_TITLES[current].title}</h2>
<p>${LIST_TITLES[current].means}</p>
${
  page.items.length === 0
    ? html`<p>No order ${v.paged ? 'on this page' : 'needs this now'}.</p>`
    : html`<table>
<caption class="visually-hidden">${LIST_TITLES[current].title}, in order id order</caption>
<thead><tr><th scope="col">Order</th><th scope="col">Status</th><th scope="col">Paid</th><th scope="col">Refundable</th><th scope="col">Flags</th><th scope="col">Next deadline (GMT+7)</th><th scope="col">Last recorded</th><th scope="col">Why listed</th></tr></thead>
<tbody>
${page.items.map(
  (o) => html`<tr>
<td class="id"><a href="${prefix}/orders/${pathSegment(o.order_id)}">${o.order_id}</a></td>
<td>${o.status ?? 'none'}${o.fraud_status === null ? null : ` / ${o.fraud_status}`}</td>
<td>${o.paid ? 'yes' : 'no'}</td>
<td><code>${o.refundable_remaining}</code></td>
<td>${o.flags.length === 0 ? '—' : o.flags.join(', ')}</td>
<td>${o.next_deadline === null ? '—' : `${o.next_deadline.kind} at ${o.next_deadline.at}`}</td>
<td>${o.updated_at}</td>
<td>${o.why}</td>
</tr>`,
)}
</tbody>
</table>`
}
<nav class="pager" aria-label="Pages">
${v.paged ? html`<a href="${listLink(prefix, current)}">First page</a>` : null}
${page.next_cursor === null ? null : html`<a href="${listLink(prefix, current, page.next_cursor)}" rel="next">Next page</a>`}
</nav>`;
};
