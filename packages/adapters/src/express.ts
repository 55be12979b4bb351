/** @paystate/adapters/express — the notification webhook as an Express handler (no Express types needed to compile against it). */
export { expressWebhook } from './http/frameworks';
export type { ExpressWebhookHandler } from './http/frameworks';
export type { WebhookOptions } from './http/webhook';
export type { PaystateApi } from './plain/index';
export type { RouteMethod } from './http/frameworks';
