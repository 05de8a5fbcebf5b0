import type { IncomingMessage } from 'node:http';

const EMPTY = Buffer.alloc(0);

/**
 * Reads a request body of at most `limit` bytes and hands it to `then` once: the bytes, `'too-large'` (a declared or
 * received length over the limit; the rest is drained, never buffered) or `'bad'` (a malformed length or a broken
 * stream). A request without a body is answered in the same tick.
 */
export function readBody(req: IncomingMessage, limit: number, then: (body: Buffer | 'too-large' | 'bad') => void): void {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) {
    then(EMPTY);
    return;
  }
  let done = false;
  const finish = (result: Buffer | 'too-large' | 'bad') => {
    if (done) return;
    done = true;
    if (typeof result === 'string') req.resume();
    then(result);
  };
  if (length !== undefined && !(Number(length) <= limit)) {
    finish(/^\d+$/.test(length) ? 'too-large' : 'bad');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > limit) finish('too-large');
    else chunks.push(chunk);
  });
  req.on('end', () => finish(Buffer.concat(chunks, size)));
  req.on('error', () => finish('bad'));
}
