import { compileBytecode, shareOut } from "../../lib/installer/bytecode.ts";
import { isDpipError } from "../../lib/errors.ts";
import { assert, assertEquals } from "../helpers/assert.ts";

const job = (size: number) => ({ source: `/s/${size}.py`, final: `/f/${size}.py`, size });

Deno.test("shareOut: one share per process, balanced by bytes, largest first", () => {
  const jobs = [100, 90, 50, 40, 30, 20, 10, 5].flatMap((size) => Array(10).fill(job(size)));
  const shares = shareOut(jobs, 2);
  assertEquals(shares.length, 2);
  assertEquals(shares.flat().sort((a, b) => a - b), jobs.map((_, i) => i));
  const bytes = shares.map((share) => share.reduce((sum, i) => sum + jobs[i]!.size, 0));
  assert(Math.abs(bytes[0]! - bytes[1]!) <= 100, `shares of ${bytes.join(" and ")} bytes`);
});

Deno.test("shareOut: few files stay in one process; never more shares than processes", () => {
  assertEquals(shareOut([job(1), job(2), job(3)], 8), [[2, 1, 0]]);
  assertEquals(shareOut(Array(1000).fill(job(1)), 3).length, 3);
  assertEquals(shareOut(Array(1000).fill(job(1)), 0).length, 1);
});

Deno.test("compileBytecode: an interpreter that cannot run fails in one line naming it", async () => {
  try {
    await compileBytecode([job(1)], { python: "/nonexistent/python3" });
    throw new Error("expected a failure");
  } catch (error) {
    assert(isDpipError(error, "compile-failed"), String(error));
    assert(String((error as Error).message).includes("/nonexistent/python3"));
  }
});
