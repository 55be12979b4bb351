/** @paystate/adapters/fetch — the notification webhook as a Fetch API handler (`Request` → `Response`), for Hono, Next.js route handlers, Bun and Deno. */
export { fetchWebhook } from './http/fetchWebhook';
export type { FetchHandler } from './http/fetchWebhook';
export type { RequestLogEntry, WebhookOptions } from './http/webhook';
export type { PaystateApi } from './plain/index';
