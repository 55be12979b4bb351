/**
 * The server's connection cap, kept so that a flood of slow clients cannot lock genuine ones out:
 * past the cap, the connection that has waited longest without a request in progress (still
 * sending its headers, or idle between keep-alive requests) is closed to make room for the new
 * one. A connection whose request is being handled is never closed for room; when every held
 * connection has one, the new connection is closed instead. A slow client holds its place only
 * until newer connections arrive; a genuine one sends its request at once and is not evictable.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Applies the cap to `server` (instead of node's `maxConnections`, which refuses the newest). */
export const capConnections = (server: Server, cap: number): void => {
  let open = 0;
  // Connections with no request in progress, oldest first (a Set keeps insertion order).
  const evictable = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open++;
    evictable.add(socket);
    socket.once('close', () => {
      open--;
      evictable.delete(socket);
    });
    if (open <= cap) return;
    for (const oldest of evictable) {
      if (oldest === socket) continue;
      evictable.delete(oldest);
      oldest.destroy();
      return;
    }
    // Every other connection has a request in progress: the newest one goes.
    evictable.delete(socket);
    socket.destroy();
  });
  server.on('request', (req: { socket: Socket }, res: ServerResponse) => {
    const socket = req.socket;
    evictable.delete(socket);
    // Idle again once answered, until its next request (keep-alive).
    res.once('finish', () => {
      if (!socket.destroyed) evictable.add(socket);
    });
  });
};
