import { assertEquals } from "../helpers/assert.ts";
import { ResolutionStatus } from "../../lib/cli/resolution_progress.ts";

function sink() {
  let text = "";
  return { write: (t: string) => void (text += t), isTerminal: true, text: () => text };
}

const event = (name: string, tries: number, decisions: number) => ({
  name,
  version: "1.0",
  tries,
  stats: { decisions, conflicts: 2 },
});

Deno.test("ResolutionStatus stays silent for quick resolutions, then draws one throttled line", () => {
  let now = 0;
  const out = sink();
  const status = new ResolutionStatus(out, { delayMs: 1000, intervalMs: 100, now: () => now });
  status.onDecision(event("a", 1, 1));
  now = 500;
  status.onDecision(event("b", 1, 2));
  assertEquals(out.text(), "");
  status.finish();
  assertEquals(out.text(), "", "nothing to clear when nothing was drawn");
  now = 1000;
  status.onDecision(event("c", 3, 40));
  now = 1050;
  status.onDecision(event("d", 1, 41)); // throttled
  now = 1100;
  status.onDecision({ ...event("e", 1, 42), extra: "x" });
  assertEquals(
    out.text(),
    "\r\x1b[2KResolving: trying c 1.0 (3 versions of it tried; 40 decisions, 2 conflicts so far)" +
      "\r\x1b[2KResolving: trying e[x] 1.0 (1 version of it tried; 42 decisions, 2 conflicts so far)",
  );
  status.finish();
  assertEquals(out.text().endsWith("\r\x1b[2K"), true);
});
