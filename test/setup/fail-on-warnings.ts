// A stray Node warning (deprecation, unhandled listener leak, experimental API) fails the test that caused it.
const onWarning = (warning: Error): void => {
  throw new Error(`Unexpected Node warning: ${warning.name}: ${warning.message}`);
};
process.removeAllListeners('warning');
process.on('warning', onWarning);
