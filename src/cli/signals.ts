/**
 * One AbortController for the whole command: the first Ctrl-C (or SIGTERM) aborts it so every long operation
 * stops and the cleanups run; a second Ctrl-C gives up on cleaning up.
 */
export function createInterruptController(onFirst: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    count++;
    if (count === 1) {
      onFirst();
      controller.abort(new Error(`received ${signal}`));
      return;
    }
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
