import { BodyChunks, ChunkPool } from "../../lib/net/body_chunks.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { Random } from "../helpers/random.ts";

function randomBytes(random: Random, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = random.int(0, 255);
  return bytes;
}

/** Splits `bytes` into pieces of random sizes (some empty). */
function randomPieces(random: Random, bytes: Uint8Array): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = random.chance(0.1) ? 0 : random.int(1, 5000);
    pieces.push(bytes.slice(at, at + size));
    at += size;
  }
  return pieces;
}

/**
 * A byte stream (BYOB-capable, as `fetch` bodies are) serving the non-empty
 * `pieces` one pull each (a pull must enqueue something, or it is not repeated).
 */
function byteStream(pieces: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  const queue = pieces.filter((p) => p.length > 0);
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      const piece = queue.shift();
      if (piece === undefined) {
        controller.close();
        controller.byobRequest?.respond(0);
      } else {
        controller.enqueue(piece.slice());
      }
    },
  });
}

/** A plain stream (no BYOB), like one built from a Node stream. */
function plainStream(pieces: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      const piece = pieces[next++];
      if (piece === undefined) controller.close();
      else controller.enqueue(piece);
    },
  });
}

async function readAll(chunks: BodyChunks): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let chunk = await chunks.next(); chunk !== undefined; chunk = await chunks.next()) {
    out.push(chunk.slice()); // the view is only valid until the next call
  }
  return out;
}

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

Deno.test("BodyChunks: a byte stream comes out whole, in order, in non-empty pieces no larger than the pool's buffers", async () => {
  const random = new Random(20261121);
  for (let round = 0; round < 20; round++) {
    const body = randomBytes(random, random.int(0, 60_000));
    const size = random.pick([1, 7, 4096, 65536]);
    const chunks = new BodyChunks(byteStream(randomPieces(random, body)), new ChunkPool(size));
    const pieces = await readAll(chunks);
    chunks.release();
    assertEquals(concat(pieces), body, `round ${round}`);
    assert(pieces.every((p) => p.length > 0 && p.length <= size), `round ${round}: piece sizes`);
  }
});

Deno.test("BodyChunks: a plain stream's chunks are passed on as they come (empty ones skipped)", async () => {
  const random = new Random(7);
  const body = randomBytes(random, 30_000);
  const pieces = randomPieces(random, body);
  const chunks = new BodyChunks(plainStream(pieces), new ChunkPool(1024));
  const out = await readAll(chunks);
  chunks.release();
  assertEquals(out, pieces.filter((p) => p.length > 0));
});

Deno.test("BodyChunks: the read buffer goes back to the pool holding the last piece read", async () => {
  const pool = new ChunkPool(16);
  const chunks = new BodyChunks(
    byteStream([new Uint8Array([1, 2, 3]), new Uint8Array([9, 8])]),
    pool,
  );
  assertEquals(await readAll(chunks), [new Uint8Array([1, 2, 3]), new Uint8Array([9, 8])]);
  chunks.release();
  const reused = pool.take();
  assertEquals(reused.length, 16);
  assertEquals([...reused.subarray(0, 2)], [9, 8]); // the same memory, read into again
  assertEquals([...pool.take().subarray(0, 2)], [0, 0]); // the pool is empty again: a new buffer
});

Deno.test("BodyChunks: release() before the end cancels the body", async () => {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    type: "bytes",
    pull(controller) {
      controller.enqueue(new Uint8Array(100));
    },
    cancel() {
      cancelled = true;
    },
  });
  const chunks = new BodyChunks(stream, new ChunkPool(64));
  assertEquals((await chunks.next())?.length, 64);
  chunks.release();
  await Promise.resolve();
  assert(cancelled, "the stream was cancelled");
});

Deno.test("BodyChunks: a failing stream rejects next() with its error", async () => {
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    type: "bytes",
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new Uint8Array(10));
      else controller.error(new Error("connection reset"));
    },
  });
  const chunks = new BodyChunks(stream, new ChunkPool(64));
  assertEquals((await chunks.next())?.length, 10);
  await assertRejects(() => chunks.next(), Error, "connection reset");
  chunks.release();
});

Deno.test("ChunkPool: keeps its idle share of buffers given back and frees the rest at once", () => {
  const pool = new ChunkPool(16, 2);
  const buffers = [pool.take(), pool.take(), pool.take()];
  buffers.forEach((buffer, i) => buffer.fill(i + 1));
  for (const buffer of buffers) pool.give(buffer);
  assertEquals(buffers.map((buffer) => buffer.buffer.detached), [false, false, true]);
  // The two kept come back (last given first); then new, zeroed buffers.
  assertEquals([pool.take()[0], pool.take()[0], pool.take()[0]], [2, 1, 0]);
});
