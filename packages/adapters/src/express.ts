/** @paystate/adapters/express — the notification webhook as an Express handler. */
export { expressWebhook } from './http/expressWebhook';
