/**
 * BuildStack and BuildMemo without any real build: builds are functions the
 * test controls, so every interleaving that matters (a build nested in
 * itself, two builds waiting for each other, shared builds) is exact.
 */

import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { BuildCycleError, BuildMemo, BuildStack } from "../../lib/build/mod.ts";
import type { BuildId } from "../../lib/build/mod.ts";

const id = (name: string): BuildId => ({ key: `${name}==1.0`, label: `${name} 1.0` });

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => resolve = res);
  return { promise, resolve };
}

Deno.test("BuildStack.push refuses a build already on the stack, naming the chain", () => {
  const stack = BuildStack.root().push(id("x")).push(id("a")).push(id("b"));
  assertEquals(stack.labels(), ["x 1.0", "a 1.0", "b 1.0"]);
  assertEquals(stack.top, id("b"));
  let error: unknown;
  try {
    stack.push({ key: "a==1.0", label: "a 1.0 (again)" });
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof BuildCycleError)) throw new Error(`no cycle error: ${error}`);
  // From where the circle starts: the outer build x is not part of it.
  assertEquals(error.chain, ["a 1.0", "b 1.0", "a 1.0 (again)"]);
  assertEquals(
    error.message,
    "Cyclic build dependency: a 1.0 → b 1.0 → a 1.0 (again) (each is needed to build the one before it)",
  );
  assertEquals(error.code, "build-cycle");
  // The stack itself is unchanged (immutable).
  assertEquals(stack.labels(), ["x 1.0", "a 1.0", "b 1.0"]);
});

Deno.test("BuildMemo builds a source once, whoever asks, and shares a build in progress", async () => {
  const memo = new BuildMemo();
  const gate = deferred<string>();
  let runs = 0;
  const build = (stack: BuildStack) => {
    runs++;
    assertEquals(stack.labels(), ["a 1.0"]);
    return gate.promise;
  };
  const first = memo.build("file:///a.tar.gz", { id: id("a"), stack: BuildStack.root(), build });
  const second = memo.build("file:///a.tar.gz", { id: id("a"), stack: BuildStack.root(), build });
  // Asked for by another build (b): shares the same build too.
  const fromB = memo.build("file:///a.tar.gz", {
    id: id("a"),
    stack: BuildStack.root().push(id("b")),
    build,
  });
  gate.resolve("a.whl");
  assertEquals(await Promise.all([first, second, fromB]), ["a.whl", "a.whl", "a.whl"]);
  assertEquals(
    await memo.build("file:///a.tar.gz", { id: id("a"), stack: BuildStack.root(), build }),
    "a.whl",
  );
  assertEquals([runs, memo.started], [1, 1]);
  // A failure is remembered too: the same source is not built again in the run.
  const failing = () => {
    runs++;
    return Promise.reject(new Error("backend failed"));
  };
  const root = BuildStack.root();
  await assertRejects(() => memo.build("c", { id: id("c"), stack: root, build: failing }), Error);
  await assertRejects(() => memo.build("c", { id: id("c"), stack: root, build: failing }), Error);
  assertEquals([runs, memo.started], [2, 2]);
});

Deno.test("BuildMemo refuses a build nested in itself, without starting it again", async () => {
  const memo = new BuildMemo();
  let runs = 0;
  // a's build needs a built: the inner request must fail, not wait for itself or recurse.
  const build = async (stack: BuildStack): Promise<string> => {
    runs++;
    return await memo.build("a-source", { id: id("a"), stack, build });
  };
  const error = await assertRejects(
    () => memo.build("a-source", { id: id("a"), stack: BuildStack.root(), build }),
    BuildCycleError,
  );
  assertEquals(error.chain, ["a 1.0", "a 1.0"]);
  assertEquals(runs, 1);
});

Deno.test("BuildMemo refuses two shared builds that would wait for each other", async () => {
  const memo = new BuildMemo();
  const aStarted = deferred<void>();
  const bStarted = deferred<void>();
  // a and b are started side by side (as the resolver's prefetch does); then a's build
  // needs b, and b's build needs a. Waiting would never end.
  const buildA = async (stack: BuildStack): Promise<string> => {
    aStarted.resolve();
    await bStarted.promise;
    return await memo.build("b-source", { id: id("b"), stack, build: buildB });
  };
  const buildB = async (stack: BuildStack): Promise<string> => {
    bStarted.resolve();
    await aStarted.promise;
    await Promise.resolve(); // Let a's request for b register its wait first.
    return await memo.build("a-source", { id: id("a"), stack, build: buildA });
  };
  const root = BuildStack.root();
  const a = memo.build("a-source", { id: id("a"), stack: root, build: buildA });
  const b = memo.build("b-source", { id: id("b"), stack: root, build: buildB });
  const [aResult, bResult] = await Promise.allSettled([a, b]);
  for (const result of [aResult, bResult]) {
    if (result.status !== "rejected" || !(result.reason instanceof BuildCycleError)) {
      throw new Error(`expected a cycle error, got ${JSON.stringify(result)}`);
    }
  }
  const chain = (bResult as PromiseRejectedResult).reason.chain;
  assertEquals(chain, ["b 1.0", "a 1.0", "b 1.0"]);
  assertEquals(memo.started, 2);
  await memo.settled();
});

Deno.test("BuildMemo lets two builds share a third without a false cycle", async () => {
  const memo = new BuildMemo();
  const gate = deferred<string>();
  const buildC = () => gate.promise;
  const needsC = (stack: BuildStack) => memo.build("c", { id: id("c"), stack, build: buildC });
  const root = BuildStack.root();
  const a = memo.build("a", { id: id("a"), stack: root, build: needsC });
  const b = memo.build("b", { id: id("b"), stack: root, build: needsC });
  gate.resolve("c.whl");
  assertEquals(await Promise.all([a, b]), ["c.whl", "c.whl"]);
  assertEquals(memo.started, 3);
});

Deno.test("BuildMemo.settled waits for builds started while it waits", async () => {
  const memo = new BuildMemo();
  const order: string[] = [];
  const root = BuildStack.root();
  void memo.build("a", {
    id: id("a"),
    stack: root,
    build: async (stack) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      void memo.build("b", {
        id: id("b"),
        stack,
        build: async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push("b");
        },
      }).catch(() => {});
      order.push("a");
    },
  });
  await memo.settled();
  assertEquals(order, ["a", "b"]);
});
