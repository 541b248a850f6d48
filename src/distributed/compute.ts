/** The worker's side of its compute thread (computeThread.ts): one job at a time, by message. */
import { Worker } from 'node:worker_threads';
import { TfjsEmError, type ErrorCode } from '../errors.js';
import type { ShardJob } from './jobs.js';
import type { ShardOutput } from './work.js';

export interface ComputeRequest {
  id: number;
  name: string;
  job: ShardJob;
  model?: Uint8Array;
}

export type ComputeReply = { id: number; ok: true; output: ShardOutput } | { id: number; ok: false; error: ErrorFields };

/** An error as it crosses threads: a TfjsEmError's fields, or an unexpected error's message. */
export interface ErrorFields {
  code?: ErrorCode;
  message: string;
  subject?: string;
  withoutValues?: string;
}

export function errorFields(error: unknown): ErrorFields {
  if (error instanceof TfjsEmError) return { code: error.code, message: error.message, subject: error.subject, withoutValues: error.withoutValues };
  return { message: error instanceof Error ? error.message : String(error) };
}

function errorFrom(fields: ErrorFields): Error {
  return fields.code === undefined ? new Error(fields.message) : new TfjsEmError(fields.code, fields.message, fields.subject, fields.withoutValues);
}

export class ComputeThread {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (o: ShardOutput) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly thread: Worker,
    /** The backend the thread runs on ('auto' resolved). */
    readonly backend: string,
  ) {
    thread.on('message', (reply: ComputeReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.output);
      else waiter?.reject(errorFrom(reply.error));
    });
    thread.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the compute thread stopped (exit ${code})`));
      this.pending.clear();
    });
  }

  /** Starts the thread on `backend`; rejects if that backend cannot start there. */
  static start(backend: string): Promise<ComputeThread> {
    const thread = new Worker(new URL('./computeThread.js', import.meta.url), { workerData: { backend } });
    return new Promise((resolve, reject) => {
      thread.once('error', reject);
      thread.once('message', (m: { ready: boolean; backend?: string; error?: ErrorFields }) => {
        thread.off('error', reject);
        if (m.ready) resolve(new ComputeThread(thread, m.backend!));
        else void thread.terminate().then(() => reject(errorFrom(m.error!)));
      });
    });
  }

  run(name: string, job: ShardJob, model?: Uint8Array): Promise<ShardOutput> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread.postMessage({ id, name, job, model } satisfies ComputeRequest);
    });
  }

  /** Stops the thread at once, a job in it included. */
  async terminate(): Promise<void> {
    await this.thread.terminate();
  }
}
