import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TwinTls } from './local-ca';

/** The first byte of every TLS record that opens a connection (a handshake record, RFC 8446 §5.1). */
const TLS_HANDSHAKE = 0x16;
/** How long a new connection may stay silent before its first byte: a client that sends nothing is let go. */
const FIRST_BYTE_MS = 30_000;
/** How long a TLS handshake may take once begun. */
const HANDSHAKE_MS = 10_000;

/**
 * An HTTPS server that answers a plain-HTTP request on its port with a clear 400 (naming the https URL to use)
 * instead of the TLS alert a client would show as a hang or a parse error. It looks at the first byte of each new
 * connection: a TLS handshake goes on to TLS as usual; anything else gets one HTTP/1.1 answer and the connection is
 * closed. Kept-alive connections pay nothing after the first byte.
 */
export function httpsOnlyServer(tls: Pick<TwinTls, 'cert' | 'key'>, handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  // A client that starts a handshake and stops is let go after 10 s (Node's default waits 120 s).
  const server = createServer({ cert: tls.cert, key: tls.key, handshakeTimeout: HANDSHAKE_MS }, handler);
  // The TLS server's own 'connection' listener wraps each socket in TLS: run it only for TLS clients.
  const startTls = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  // Every raw connection, from its accept to its 'close': closing the server closes them all (Fastify's
  // forceCloseConnections calls closeAllConnections, which knows only connections that reached HTTP, i.e. for TLS
  // those whose handshake completed; one silent before its first byte, or stalled mid-handshake, would hold the close).
  const sockets = new Set<Socket>();
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    for (const socket of sockets) socket.destroy();
    closeAll();
  };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setTimeout(FIRST_BYTE_MS, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE) {
        for (const listener of startTls) listener.call(server, socket);
        return;
      }
      plainHttpRefusal(socket, server);
    });
    socket.on('error', () => socket.destroy());
  });
  return server;
}

function plainHttpRefusal(socket: Socket, server: Server): void {
  const address = server.address();
  const port = address && typeof address !== 'string' ? address.port : undefined;
  const body = JSON.stringify({ message: `This port speaks HTTPS only: use https://127.0.0.1${port ? `:${port}` : ''}/ and trust the twin's CA (NODE_EXTRA_CA_CERTS or AWS_CA_BUNDLE set to its ca.pem).` });
  // The socket is paused (its first bytes unread): once the answer is written, close it outright, or it would wait for
  // an end it never reads and hold the server's close.
  socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`, () => socket.destroy());
}
