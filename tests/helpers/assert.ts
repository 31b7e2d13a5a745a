/**
 * Assertions for the test suite, built on `node:assert` (JSR's @std/assert is
 * unreachable here). Names follow @std/assert so tests read familiarly.
 *
 * @module
 */

import nodeAssert from "node:assert/strict";

/** Asserts that `condition` is truthy. */
export function assert(condition: unknown, message?: string): asserts condition {
  nodeAssert.ok(condition, message);
}

/** Asserts deep equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Asserts deep inequality. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** Asserts that `text` contains `part`. */
export function assertStringIncludes(text: string, part: string, message?: string): void {
  nodeAssert.ok(
    text.includes(part),
    message ?? `expected ${JSON.stringify(text)} to include ${JSON.stringify(part)}`,
  );
}

/** Asserts that `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp, message?: string): void {
  nodeAssert.match(text, pattern, message);
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = new (...args: any[]) => E;

/** Asserts that `fn` throws an instance of `errorClass` (optionally with a message part); returns it. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  errorClass?: ErrorClass<E>,
  messageIncludes?: string,
): E {
  try {
    fn();
  } catch (error) {
    if (errorClass !== undefined && !(error instanceof errorClass)) {
      throw new nodeAssert.AssertionError({
        message: `expected ${errorClass.name}, got ${String(error)}`,
      });
    }
    if (messageIncludes !== undefined) {
      assertStringIncludes((error as Error).message, messageIncludes);
    }
    return error as E;
  }
  throw new nodeAssert.AssertionError({ message: "expected the function to throw" });
}

/** Async version of {@link assertThrows}. */
export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  errorClass?: ErrorClass<E>,
  messageIncludes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    if (errorClass !== undefined && !(error instanceof errorClass)) {
      throw new nodeAssert.AssertionError({
        message: `expected ${errorClass.name}, got ${String(error)}`,
      });
    }
    if (messageIncludes !== undefined) {
      assertStringIncludes((error as Error).message, messageIncludes);
    }
    return error as E;
  }
  throw new nodeAssert.AssertionError({ message: "expected the promise to reject" });
}
