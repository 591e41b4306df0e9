/**
 * The thread of a WorkerWrittenCheck: decodes and checks the text a backup writes while the
 * writer's thread goes on writing. Each chunk is acknowledged once checked, so the writer can keep
 * the text in flight bounded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckMessage, CheckReply } from './worker-written.check.js';
import { WrittenText } from './written-text.js';

const port = parentPort;
if (!port) throw new Error('written-check.worker runs only as a worker thread');
const text = new WrittenText();
/** Messages taken so far, shared with the writer (see WorkerWrittenCheck.add). */
const taken = (workerData as { taken: Int32Array }).taken;
const reply = (m: CheckReply): void => port.postMessage(m);
port.on('message', (m: CheckMessage) => {
  if (m.type !== 'finish') Atomics.add(taken, 0, 1);
  try {
    if (m.type === 'text') {
      text.add(m.collection, m.file, m.text);
      reply({ type: 'checked' });
    } else if (m.type === 'checked-lines') {
      text.addChecked(m.collection, m.file, m.lines);
      reply({ type: 'checked' });
    } else reply({ type: 'report', report: text.report() });
  } catch (e) {
    reply({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
});
