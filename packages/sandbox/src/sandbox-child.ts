import { startQuickJSRun, type QuickJSRun } from './sandbox-quickjs.ts';
import type { ChildMessage, ParentMessage } from './sandbox-protocol.ts';

/**
 * The entry of a sandbox child process (forked by sandbox-pool.ts, with an empty environment). It
 * runs agent code in QuickJS-WASM and holds nothing but the runs it was sent: every capability
 * call goes back to the parent over IPC, which alone holds secrets, sockets and the database.
 */
const runs = new Map<number, QuickJSRun>();

const send = (message: ChildMessage) => {
  if (process.connected) process.send!(message);
};

process.on('message', (message: ParentMessage) => {
  if (message.t === 'run') {
    const { id } = message;
    const run = startQuickJSRun(message.request, {
      hostCall: (callId, api, argsJson) => send({ t: 'host-call', id, callId, api, argsJson }),
      log: (level, text) => send({ t: 'log', id, level, message: text }),
      logsTruncated: () => send({ t: 'logs-truncated', id }),
    });
    runs.set(id, run);
    void run.outcome.then((outcome) => {
      runs.delete(id);
      send({ t: 'done', id, outcome });
    });
  } else if (message.t === 'host-result') {
    const run = runs.get(message.id);
    if (message.ok) run?.settleHost(message.callId, true, message.json);
    else run?.settleHost(message.callId, false, message.message, message.code);
  } else if (message.t === 'abort') {
    runs.get(message.id)?.abort(message.reason);
  }
});

// The parent is gone: nobody is left to read an outcome.
process.on('disconnect', () => process.exit(0));

send({ t: 'ready' });
