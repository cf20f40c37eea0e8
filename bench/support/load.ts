import { fork } from 'node:child_process';
import type autocannon from 'autocannon';

/**
 * Runs autocannon with `options` in a child process (load-child.ts) and resolves with its result;
 * `onStart` is called when the load begins (after the child has booted), for measurements of the load alone.
 */
export function runLoad(options: autocannon.Options, onStart?: () => void): Promise<autocannon.Result> {
  const child = fork(new URL('./load-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    child.on('message', (reply: { started?: true; result?: autocannon.Result; error?: string }) => {
      if (reply.started) onStart?.();
      else if (reply.result) resolve(reply.result);
      else reject(new Error(`autocannon failed: ${reply.error}`));
    });
    child.once('exit', (code) => reject(new Error(`autocannon child exited with ${code} before answering`)));
    child.send(options);
  });
}
