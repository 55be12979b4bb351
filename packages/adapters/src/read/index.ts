/** Reading orders back: one order with its timeline, and the orders that need attention. */
export { orderTimeline } from './orderTimeline';
export type { TimelineEntry } from './orderTimeline';
export { lookUpOrder } from './lookUpOrder';
export type { OrderLookUp } from './lookUpOrder';
export { orderDocument } from './orderDocument';
export type { OrderDocument, OrderTimelineEvent } from './orderDocument';
export { ATTENTIONS, ATTENTION_LISTS, DEFAULT_FULFILMENT_SUBSCRIBER, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, createAttentionLists } from './attentionLists';
export type { Attention, AttentionItem, AttentionList, AttentionLists, AttentionListsOptions, AttentionPage, PageError } from './attentionLists';
export { maskCardNumbers, maskCardNumbersIn } from './maskCardNumbers';
