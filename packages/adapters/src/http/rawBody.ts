/**
 * Reads a request body as the exact bytes received, counting them as they arrive and stopping at
 * a limit, so an oversized body is never buffered.
 */
import type { IncomingMessage } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';

/** 64 KiB: a Midtrans notification is a few KiB. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export type BodyError =
  | { readonly _tag: 'TooLarge'; readonly limit: number }
  /** The client went away before the body was complete. */
  | { readonly _tag: 'Aborted' };

/** Resolves to the body's bytes, or TooLarge as soon as more than `limit` bytes arrived (or were announced). */
export const readRawBody = (req: IncomingMessage, limit: number): Promise<E.Either<BodyError, Buffer>> =>
  new Promise((resolve) => {
    const announced = Number(req.headers['content-length']);
    if (Number.isFinite(announced) && announced > limit) {
      req.pause();
      resolve(E.left({ _tag: 'TooLarge', limit }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (r: E.Either<BodyError, Buffer>) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      req.off('close', onClose);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering: nothing past the limit is kept.
        req.pause();
        chunks.length = 0;
        settle(E.left({ _tag: 'TooLarge', limit }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(E.right(Buffer.concat(chunks, size)));
    const onAbort = () => settle(E.left({ _tag: 'Aborted' }));
    const onClose = () => {
      if (!req.complete) onAbort();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
    req.on('close', onClose);
  });

/**
 * After an early answer (413), reads and discards what the client is still sending, so it reads
 * the answer instead of a connection reset; past `maxBytes` or `maxMs` the connection is closed.
 */
export const discardRest = (req: IncomingMessage, options: { readonly maxBytes?: number; readonly maxMs?: number } = {}): void => {
  if (req.complete || req.destroyed) return;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  let discarded = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, options.maxMs ?? 5_000);
  timer.unref();
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) cut();
  };
  const done = () => {
    clearTimeout(timer);
    req.off('data', onData);
  };
  req.on('data', onData);
  req.once('end', done);
  req.once('close', done);
  req.resume();
};
