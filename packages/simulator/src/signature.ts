/** The `signature_key` Midtrans puts on a notification: SHA-512 over order_id, status_code, gross_amount and the server key. */
import { createHash } from 'node:crypto';

export const signatureKey = (orderId: string, statusCode: string, grossAmount: string, serverKey: string): string =>
  createHash('sha512').update(`${orderId}${statusCode}${grossAmount}${serverKey}`).digest('hex');
