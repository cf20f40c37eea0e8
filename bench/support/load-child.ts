import autocannon from 'autocannon';

/**
 * Runs one autocannon load in its own process, so the process under test (the gateway) is not also the
 * load generator and its CPU time (`process.cpuUsage()`, a CPU profile) is its own. The parent sends the
 * autocannon options over IPC and receives `{ started }` as the load begins, then the result; see
 * {@link runLoad}.
 */
process.once('message', (options: autocannon.Options) => {
  process.send?.({ started: true });
  void autocannon(options).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
});
