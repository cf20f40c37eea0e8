import { fork } from 'node:child_process';
import type autocannon from 'autocannon';

/** Runs autocannon with `options` in a child process (load-child.ts) and resolves with its result. */
export function runLoad(options: autocannon.Options): Promise<autocannon.Result> {
  const child = fork(new URL('./load-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    child.once('message', (reply: { result?: autocannon.Result; error?: string }) =>
      reply.result ? resolve(reply.result) : reject(new Error(`autocannon failed: ${reply.error}`)),
    );
    child.once('exit', (code) => reject(new Error(`autocannon child exited with ${code} before answering`)));
    child.send(options);
  });
}
