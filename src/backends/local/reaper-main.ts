/**
 * The orphan reaper of the local backend: a small Node process that holds an IPC channel to the harness and a
 * list of pids (pods, proxy). When the channel closes — the harness ended, however it ended, even by SIGKILL —
 * it SIGKILLs every pid still on the list and exits. That is how nginx and a custom proxy binary, which know
 * nothing of their parent, die with the harness.
 *
 * Messages from the harness: `{ type: 'watch', pid }` and `{ type: 'unwatch', pid }`.
 */
import type { ReaperReadyMessage } from './reaper-protocol.js';
import { isReaperMessage } from './reaper-protocol.js';

const watched = new Set<number>();

process.on('message', (message: unknown) => {
  if (!isReaperMessage(message)) {
    return;
  }
  if (message.type === 'watch') {
    watched.add(message.pid);
  } else {
    watched.delete(message.pid);
  }
});

process.on('disconnect', () => {
  for (const pid of watched) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: nothing to reap.
    }
  }
  watched.clear();
});

// Ctrl-C in a terminal signals the whole process group; the reaper must outlive it to clean up after the harness.
process.on('SIGINT', () => undefined);

// An ES module is evaluated after its imports load, and messages that arrive before the listeners above exist are
// lost: the harness waits for this before it sends any.
const ready: ReaperReadyMessage = { type: 'reaper-ready' };
process.send?.(ready);
