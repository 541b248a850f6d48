/** The page's side of its worker: requests as promises, progress as callbacks, and cancel. */
import { InputError } from './messages.js';
import type { Kind, Progress, Reply, Request, Requests } from './protocol.js';

/** Work the user cancelled: nothing to report as an error. */
export class CancelledError extends InputError {}

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (p: Progress) => void;
}

export class Engine {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  /** Resolves once the worker has loaded (its first message). */
  readonly ready: Promise<void>;

  constructor(url: URL) {
    this.worker = new Worker(url, { type: 'module' });
    this.ready = new Promise((resolve, reject) => {
      this.waiting.set(0, { resolve: () => resolve(), reject });
      this.worker.addEventListener('error', (e) => reject(new Error(`the page's worker did not start: ${e.message || 'see the console'}`)));
    });
    this.worker.addEventListener('message', (event: MessageEvent<Reply>) => this.receive(event.data));
  }

  call<K extends Kind>(kind: K, args: Requests[K][0], onProgress?: (p: Progress) => void): Promise<Requests[K][1]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.worker.postMessage({ id, kind, args } as Request);
    });
  }

  /** Ends the worker; requests still waiting reject with CancelledError. */
  close(): void {
    this.worker.terminate();
    for (const waiting of this.waiting.values()) waiting.reject(new CancelledError('Closed.'));
    this.waiting.clear();
  }

  /** Stops the request in progress at its next checkpoint; it then rejects with CancelledError. */
  cancel(): void {
    this.worker.postMessage({ kind: 'cancel' } satisfies Request);
  }

  private receive(reply: Reply): void {
    const waiting = this.waiting.get(reply.id);
    if (waiting === undefined) return;
    if ('progress' in reply) return waiting.onProgress?.(reply.progress);
    this.waiting.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.value);
    else if (reply.cancelled) waiting.reject(new CancelledError(reply.message));
    else waiting.reject(reply.user ? new InputError(reply.message) : new Error(reply.message));
  }
}
