/**
 * The worker thread of `vmconform proxy`'s judge (started by `traffic-judge.ts`): reads the proxy's log in batches
 * and judges it, telling the proxy's thread the findings as they are made, how many exchanges it judged, when
 * nothing is waiting for an answer, and at the end the verdict.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { JudgeCore, type FromJudgeWorker, type ToJudgeWorker, type TrafficJudgeOptions } from './traffic-judge.ts';

// Judging yields to forwarding: on Linux the nice value is per thread (setpriority(2), NOTES), so this lowers the
// priority of this thread alone; elsewhere it would lower the whole process's, so it is left as it is.
if (process.platform === 'linux') {
  try {
    setPriority(10);
  } catch {
    // Not allowed here: judged at the usual priority.
  }
}
const port = parentPort;
if (!port) throw new Error('judge-worker.ts runs as a worker thread of vmconform proxy');
const post = (message: FromJudgeWorker): void => port.postMessage(message);
/** How long the worker lets its progress gather before it tells (one message for many batches under load). */
const PROGRESS_EVERY_MS = 5;
let batch = 0;
let judged = 0;
let idle = true;
let alerted = false;
let progress: NodeJS.Timeout | undefined;
const tell = (): void => {
  progress = undefined;
  post({ type: 'progress', judged, batch, idle });
};
try {
  const core = new JudgeCore(workerData as TrafficJudgeOptions, {
    onFindings: (findings) => post({ type: 'findings', findings }),
    onJudged: (total) => void (judged = total),
  });
  JudgeCore.warmUp(workerData as TrafficJudgeOptions);
  port.on('message', (m: ToJudgeWorker) => {
    try {
      if (m.type === 'entries') {
        batch = m.batch;
        core.read(m.entries);
        idle = core.idle();
        const alert = (workerData as TrafficJudgeOptions).judgedAlert;
        if (alert !== undefined && judged >= alert && !alerted) {
          alerted = true;
          if (progress !== undefined) clearTimeout(progress);
          tell();
        } else progress ??= setTimeout(tell, PROGRESS_EVERY_MS);
      } else {
        if (progress !== undefined) clearTimeout(progress);
        post({ type: 'report', report: core.finish() });
      }
    } catch (err: unknown) {
      post({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  post({ type: 'ready' });
} catch (err: unknown) {
  post({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
