/**
 * Unpacking wheels on worker threads. Inflating, hashing and writing a
 * wheel's files is most of a cold install; two workers unpack wheels at once,
 * so both cores work (measured on the 30-wheel benchmark: unpacking 1.9 s on
 * one thread, 1.2 s on two).
 *
 * A worker costs ~55 ms to start (it loads the unpacking code), so workers
 * start only for work worth it (several wheels, enough bytes), and only once
 * a wheel is not found unpacked in the cache already. A worker
 * that cannot start (a bundle that does not ship its module) leaves the work
 * to the others, or to the calling thread.
 *
 * @module
 */

import type { ErrorCode } from "../errors.ts";
import { extractWheel } from "./unpack.ts";
import { WheelInstallError, type WheelManifest } from "./wheel.ts";

/** One wheel to unpack into `dir` (an empty directory). */
export interface ExtractJob {
  /** The wheel file (read if `bytes` is not given). */
  readonly path: string;
  /** The wheel's bytes, when already in memory (handed over to the worker: do not reuse). */
  readonly bytes?: Uint8Array;
  readonly filename: string;
  readonly dir: string;
  /** The wheel's size in bytes: larger jobs are handed out first. */
  readonly size?: number;
  readonly compatibleTags?: ReadonlySet<string>;
  readonly onWarning?: (message: string) => void;
}

/** A job as the worker receives it. */
export interface ExtractRequest {
  readonly id: number;
  readonly path: string;
  readonly bytes?: Uint8Array;
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

interface QueuedJob {
  readonly job: ExtractJob;
  resolve(manifest: WheelManifest): void;
  reject(error: unknown): void;
}

interface Lane {
  readonly worker: Worker;
  /** The job it is unpacking (undefined: idle). */
  current?: QueuedJob;
  loaded: boolean;
}

/**
 * Unpacks wheels on worker threads when the work is worth it (several wheels,
 * enough bytes), else on the calling thread. With workers, the main thread
 * stays free (to hash, download and hand out jobs) while one worker per core
 * unpacks; jobs wait in a queue, largest first. `close()` when done (workers
 * keep the process alive).
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
  readonly #queue: QueuedJob[] = [];
  /** Workers to start with the first job (none when all is cached, as in a warm install). */
  #threads = 0;
  #nextId = 0;

  /**
   * @param work how much there is to unpack: the wheels' total size and count
   * (`force: true` starts the workers whatever the size, for tests).
   */
  constructor(work: { totalBytes: number; jobs: number; force?: boolean }) {
    const worth = work.jobs >= 2 && work.totalBytes >= WORKER_THRESHOLD;
    if (worth || work.force === true) {
      this.#threads = Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1, work.jobs));
    }
  }

  #startLane(): void {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl(), { type: "module" });
    } catch {
      return;
    }
    const lane: Lane = { worker, loaded: false };
    this.#lanes.push(lane);
    worker.onmessage = (event: MessageEvent<ExtractReply>) => {
      const reply = event.data;
      if (reply.id === -1) lane.loaded = true;
      else this.#settle(lane, reply);
      this.#dispatch();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      // A worker that cannot load (a bundle without its module) or dies: its job and the
      // queue go to the other lanes, or are done on this thread.
      this.#dropLane(lane);
    };
  }

  /** Unpacks one wheel; resolves to its manifest. */
  extract(job: ExtractJob): Promise<WheelManifest> {
    for (; this.#threads > 0; this.#threads--) this.#startLane();
    if (this.#lanes.length === 0) {
      try {
        return Promise.resolve(extractHere(job));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<WheelManifest>((resolve, reject) => {
      // Largest first: the long jobs start early and the short ones fill in at the end.
      const size = sizeOf(job);
      const at = this.#queue.findIndex((queued) => sizeOf(queued.job) < size);
      this.#queue.splice(at < 0 ? this.#queue.length : at, 0, { job, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    for (const lane of this.#lanes) {
      if (!lane.loaded || lane.current !== undefined) continue;
      const next = this.#queue.shift();
      if (next === undefined) return;
      lane.current = next;
      const { job } = next;
      const request: ExtractRequest = {
        id: this.#nextId++,
        path: job.path,
        filename: job.filename,
        dir: job.dir,
        ...(job.bytes === undefined ? {} : { bytes: job.bytes }),
        ...(job.compatibleTags === undefined ? {} : { compatibleTags: [...job.compatibleTags] }),
      };
      const buffer = job.bytes?.buffer;
      lane.worker.postMessage(request, buffer instanceof ArrayBuffer ? [buffer] : []);
    }
  }

  #settle(lane: Lane, reply: ExtractReply): void {
    const queued = lane.current;
    lane.current = undefined;
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
    const lost = lane.current;
    lane.current = undefined;
    if (lost !== undefined) {
      // Start again from an empty directory, reading the file (the bytes went to the worker).
      try {
        Deno.removeSync(lost.job.dir, { recursive: true });
      } catch {
        // Nothing written there yet.
      }
      Deno.mkdirSync(lost.job.dir, { recursive: true });
      const { bytes: _, ...job } = lost.job;
      this.#queue.unshift({ ...lost, job });
    }
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

  /** Stops the workers; jobs not yet done are done on this thread first. */
  close(): void {
    this.#threads = 0;
    for (const lane of [...this.#lanes]) this.#dropLane(lane);
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

function sizeOf(job: ExtractJob): number {
  return job.bytes?.length ?? job.size ?? 0;
}

function extractHere(job: ExtractJob): WheelManifest {
  return extractWheel(job.bytes ?? Deno.readFileSync(job.path), {
    filename: job.filename,
    dir: job.dir,
    ...(job.compatibleTags === undefined ? {} : { compatibleTags: job.compatibleTags }),
    ...(job.onWarning === undefined ? {} : { onWarning: job.onWarning }),
  });
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
