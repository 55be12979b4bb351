/** @paystate/adapters/express — the notification webhook as an Express handler (no Express types needed to compile against it). */
export { expressWebhook } from './http/frameworks';
export type { ExpressWebhookHandler } from './http/frameworks';
