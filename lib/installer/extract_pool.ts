/**
 * Unpacking wheels on all cores. Inflating, hashing and writing a wheel's
 * files is most of a cold install; the calling thread and one worker thread
 * per other core unpack wheels at once (measured on the 30-wheel benchmark:
 * unpacking 1.9 s on one thread, 1.2 s on two). Workers take the largest
 * wheels first, each with its next job queued before it finishes the last;
 * the calling thread takes the smallest, and only when every worker has its
 * next job already, since while it unpacks it hands nothing out.
 *
 * Memory stays bounded by the number of lanes, not by the wheels: each lane
 * reads its wheel a window at a time (`archive/file_input.ts`) and holds one
 * inflated file at a time. A worker costs an isolate (~15 MB) and ~55 ms to
 * start, so workers start only for work worth it (several wheels, enough
 * bytes), and only once a wheel is not found unpacked in the cache already.
 * A worker that cannot start (a bundle that does not ship its module) leaves
 * the work to the others, or to the calling thread. The unpacker itself
 * (`unpack.ts`: the zip reader, `node:zlib`) is loaded with the first job, so
 * an install whose wheels are all unpacked in the cache never loads it.
 *
 * @module
 */

import type { ErrorCode } from "../errors.ts";
import { WheelInstallError, type WheelManifest } from "./wheel.ts";

/** One wheel file to unpack into `dir` (an empty directory). */
export interface ExtractJob {
  readonly path: string;
  readonly filename: string;
  readonly dir: string;
  /** The wheel's size in bytes: workers take larger jobs first. */
  readonly size?: number;
  readonly compatibleTags?: ReadonlySet<string>;
  readonly onWarning?: (message: string) => void;
}

/** A job as the worker receives it. */
export interface ExtractRequest {
  readonly id: number;
  readonly path: string;
  readonly filename: string;
  readonly dir: string;
  readonly compatibleTags?: string[];
}

/** The worker's answer: the manifest, or why the wheel was refused (`id` -1: loaded). */
export interface ExtractReply {
  readonly id: number;
  readonly warnings: string[];
  readonly manifest?: WheelManifest;
  readonly failure?: { wheel?: string; reason: string; code?: ErrorCode };
}

/** Below this many bytes of wheels in all, workers are not worth starting. */
const WORKER_THRESHOLD = 8 * 1024 * 1024;
/** The most threads unpacking at once (each holds a window and an inflated file). */
const MAX_LANES = 8;
/** Jobs handed to a worker at once: the one it unpacks and the next. */
const WORKER_DEPTH = 2;

interface QueuedJob {
  readonly job: ExtractJob;
  resolve(manifest: WheelManifest): void;
  reject(error: unknown): void;
}

interface Lane {
  readonly worker: Worker;
  /** The jobs handed to it, by request id. */
  readonly jobs: Map<number, QueuedJob>;
  loaded: boolean;
}

/**
 * Unpacks wheels on the calling thread and worker threads, one per core in
 * all, when the work is worth it (several wheels, enough bytes), else on the
 * calling thread alone. Jobs wait in a queue ordered by size. `close()` when
 * done (workers keep the process alive).
 *
 * @example
 * ```ts ignore
 * const pool = new ExtractPool({ totalBytes, jobs: wheels.length });
 * try {
 *   await Promise.all(wheels.map((w) => pool.extract({ path: w, filename, dir })));
 * } finally {
 *   pool.close();
 * }
 * ```
 */
export class ExtractPool {
  readonly #lanes: Lane[] = [];
  /** Largest first: workers take from the front, this thread from the back. */
  readonly #queue: QueuedJob[] = [];
  /** Workers to start (none when all is cached, as in a warm install). */
  #threads = 0;
  /** Whether the work is worth workers: decided once, from the size given or submitted. */
  #worthIt: boolean;
  /** The bytes of the jobs submitted so far, when the total was not known up front. */
  #submitted = 0;
  #nextId = 0;
  /** This thread's next turn, when one is scheduled. */
  #turn: ReturnType<typeof setTimeout> | undefined;
  /** While this thread has other work (downloads), it takes no job while a worker is there. */
  #hereBusy = false;

  /**
   * @param work how much there is to unpack: the wheels' count and total size,
   * when known. With no total (wheels still downloading), workers start once
   * the jobs submitted reach the size worth them; with no count, as many as
   * there are cores. `force: true` starts a worker whatever the size, for tests.
   */
  constructor(work: { totalBytes?: number; jobs?: number; force?: boolean }) {
    const jobs = work.jobs ?? MAX_LANES;
    const lanes = Math.min(MAX_LANES, navigator.hardwareConcurrency || 1, jobs);
    this.#threads = jobs >= 2 ? lanes - 1 : 0;
    this.#worthIt = work.force === true ||
      (work.totalBytes !== undefined && work.totalBytes >= WORKER_THRESHOLD);
    if (work.force === true) this.#threads = Math.max(1, this.#threads);
  }

  #startLane(): void {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl(), { type: "module" });
    } catch {
      return;
    }
    const lane: Lane = { worker, jobs: new Map(), loaded: false };
    this.#lanes.push(lane);
    worker.onmessage = (event: MessageEvent<ExtractReply>) => {
      const reply = event.data;
      if (reply.id === -1) lane.loaded = true;
      else this.#settle(lane, reply);
      this.#dispatch();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      // A worker that cannot load (a bundle without its module) or dies: its jobs and the
      // queue go to the other lanes, or are done on this thread.
      this.#dropLane(lane);
    };
  }

  /** Unpacks one wheel; resolves to its manifest. */
  async extract(job: ExtractJob): Promise<WheelManifest> {
    this.#submitted += job.size ?? 0;
    if (this.#submitted >= WORKER_THRESHOLD) this.#worthIt = true;
    unpacker ??= await import("./unpack.ts");
    if (this.#worthIt) { for (; this.#threads > 0; this.#threads--) this.#startLane(); }
    // With no worker, a job waits while this thread is busy elsewhere (a worker may start yet).
    if (this.#lanes.length === 0 && !this.#hereBusy) return extractHere(job);
    return await new Promise<WheelManifest>((resolve, reject) => {
      const size = job.size ?? 0;
      const at = this.#queue.findIndex((queued) => (queued.job.size ?? 0) < size);
      this.#queue.splice(at < 0 ? this.#queue.length : at, 0, { job, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    for (const lane of this.#lanes) {
      // A next job waits in a worker only while there are more jobs than threads: at the end,
      // the last (often largest) jobs go to whichever thread is free first.
      while (lane.loaded && lane.jobs.size < this.#depth()) {
        const next = this.#queue.shift();
        if (next === undefined) break;
        const id = this.#nextId++;
        lane.jobs.set(id, next);
        const { job } = next;
        const request: ExtractRequest = {
          id,
          path: job.path,
          filename: job.filename,
          dir: job.dir,
          ...(job.compatibleTags === undefined ? {} : { compatibleTags: [...job.compatibleTags] }),
        };
        lane.worker.postMessage(request);
      }
    }
    // This thread takes a job only when no worker could (they are loaded and busy, the next
    // job queued): while it unpacks, it hands nothing out. Its turn comes once the messages
    // just posted have gone out.
    const workersFull = this.#lanes.every((lane) => lane.loaded && lane.jobs.size >= this.#depth());
    if (workersFull && !this.#hereBusy && this.#queue.length > 0 && this.#turn === undefined) {
      this.#turn = setTimeout(() => this.#turnHere(), 0);
    }
  }

  /** How many jobs a worker holds: its current one, and a next one while there are plenty. */
  #depth(): number {
    return this.#queue.length > this.#lanes.length + 1 ? WORKER_DEPTH : 1;
  }

  /** Unpacks the smallest job waiting, here. */
  #turnHere(): void {
    this.#turn = undefined;
    const next = this.#queue.pop();
    if (next === undefined) return;
    try {
      next.resolve(extractHere(next.job));
    } catch (error) {
      next.reject(error);
    }
    this.#dispatch();
  }

  #settle(lane: Lane, reply: ExtractReply): void {
    const queued = lane.jobs.get(reply.id);
    lane.jobs.delete(reply.id);
    if (queued === undefined) return;
    for (const warning of reply.warnings) queued.job.onWarning?.(warning);
    if (reply.manifest !== undefined) {
      queued.resolve(reply.manifest);
      return;
    }
    const failure = reply.failure ?? { reason: "the unpacking thread gave no answer" };
    queued.reject(
      failure.wheel === undefined ? new Error(failure.reason) : new WheelInstallError(
        failure.wheel,
        failure.reason,
        failure.code === undefined ? {} : { code: failure.code },
      ),
    );
  }

  #dropLane(lane: Lane): void {
    const index = this.#lanes.indexOf(lane);
    if (index < 0) return;
    this.#lanes.splice(index, 1);
    lane.worker.terminate();
    // Its jobs start again from empty directories, at the front (they are the largest).
    for (const lost of [...lane.jobs.values()].reverse()) {
      try {
        Deno.removeSync(lost.job.dir, { recursive: true });
      } catch {
        // Nothing written there yet.
      }
      Deno.mkdirSync(lost.job.dir, { recursive: true });
      this.#queue.unshift(lost);
    }
    lane.jobs.clear();
    this.#handOut();
  }

  /** Hands the waiting jobs to the workers, or, when there is none, unpacks them all here. */
  #handOut(): void {
    if (this.#lanes.length > 0) {
      this.#dispatch();
      return;
    }
    for (const queued of this.#queue.splice(0)) {
      try {
        queued.resolve(extractHere(queued.job));
      } catch (error) {
        queued.reject(error);
      }
    }
  }

  /**
   * Whether this thread has other work meanwhile (downloads to serve): then
   * only the workers take jobs, until it is free again.
   */
  set hereBusy(busy: boolean) {
    this.#hereBusy = busy;
    // With no worker (none was worth starting), what waited is unpacked here now.
    if (!busy) this.#handOut();
  }

  /**
   * Gives up the jobs no thread has started: each fails with `reason` (the
   * jobs already handed to a thread finish). For a run that stops early.
   */
  discardQueued(reason: Error): void {
    for (const queued of this.#queue.splice(0)) queued.reject(reason);
  }

  /** Stops the workers; jobs not yet done are done on this thread first. */
  close(): void {
    this.#threads = 0;
    for (const lane of [...this.#lanes]) this.#dropLane(lane);
    // Only when a turn is scheduled: the first use of the timer functions loads Deno's
    // node:timers (~10 ms), which an install from the cache alone never needs.
    if (this.#turn !== undefined) clearTimeout(this.#turn);
    this.#turn = undefined;
  }
}

/**
 * The worker's module: beside this one when running from source or compiled
 * (the `compile` task includes it); in `deno task bundle`'s output, where
 * this code sits in a chunk at the top, the bundled worker entry point.
 */
function workerUrl(): string {
  const here = import.meta.url;
  return here.endsWith(".ts")
    ? new URL("./extract_worker.ts", here).href
    : new URL("./lib/installer/extract_worker.js", here).href;
}

/** The unpacker, once a job has loaded it. */
let unpacker: typeof import("./unpack.ts") | undefined;

/** Unpacks `job` on this thread (only after {@link ExtractPool.extract} has loaded the unpacker). */
function extractHere(job: ExtractJob): WheelManifest {
  return unpacker!.extractHere(job);
}

/**
 * Waits for every task, then returns their values in order, or throws the
 * first failure in order: nothing is left running behind a failure, and
 * which failure is reported does not depend on timing.
 */
export async function allInOrder<T>(tasks: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(tasks);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/** `items` with the largest first (by `size`), for handing out work to threads. */
export function largestFirst<T>(items: readonly T[], size: (item: T) => number): T[] {
  return [...items].sort((a, b) => size(b) - size(a));
}
