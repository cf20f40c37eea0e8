import { connect, type Socket } from 'node:net';

/** What a held connection received before the server closed it, and when it closed. */
export interface HeldConnection {
  readonly answer: string;
  readonly closedAfterMs: number;
}

/**
 * A slow or idle client on a real socket to 127.0.0.1:`port`: writes `text`, then `trickle.text`
 * every `trickle.everyMs` (never finishing), and resolves once the server closes the connection. A
 * server that keeps it open longer than `boundMs` fails the promise.
 */
export function holdConnection(
  port: number,
  text: string,
  options: {
    readonly trickle?: { readonly text: string; readonly everyMs: number };
    readonly boundMs?: number;
  } = {},
): Promise<HeldConnection> {
  const boundMs = options.boundMs ?? 8_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      const trickle = options.trickle;
      if (trickle) timer = setInterval(() => socket.write(trickle.text), trickle.everyMs);
    });
    socket.on('data', (chunk) => (answer += chunk.toString()));
    // A server that cuts the client off while it is writing resets the connection: cut off all the same.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: performance.now() - started });
    });
    setTimeout(
      () => socket.destroy(new Error(`server kept a slow client open for ${boundMs} ms`)),
      boundMs,
    ).unref();
  });
}
