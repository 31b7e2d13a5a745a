/**
 * What the progress display draws, on a fake clock: download bars with
 * speed and time left, pip's `--progress-bar raw` lines (rate-limited),
 * the status line of the install phases, and which mode each
 * `--progress-bar`, `-q` and terminal combination gives.
 */

import {
  formatDuration,
  phaseText,
  ProgressBars,
  progressDisplay,
  progressMode,
  RawProgress,
  StatusLine,
} from "../../lib/cli/progress.ts";
import type { TextSink } from "../../lib/cli/io.ts";
import { assert, assertEquals } from "../helpers/assert.ts";

function sink(terminal = true): TextSink & { text: () => string } {
  let text = "";
  return { write: (t) => void (text += t), isTerminal: terminal, text: () => text };
}

/** The screen after the writes: carriage returns, erase-line and cursor-up-erase applied. */
function screen(written: string): string[] {
  const lines: string[] = [""];
  // deno-lint-ignore no-control-regex
  const tokens = written.split(/(\x1b\[\d*F\x1b\[J|\x1b\[2K|\r|\n)/);
  for (const token of tokens) {
    if (token === "\n") lines.push("");
    else if (token === "\r" || token === "\x1b[2K") lines[lines.length - 1] = "";
    // deno-lint-ignore no-control-regex
    else if (/^\x1b\[(\d*)F\x1b\[J$/.test(token)) {
      // deno-lint-ignore no-control-regex
      const up = Number(/^\x1b\[(\d*)F/.exec(token)![1]);
      lines.splice(lines.length - 1 - up, up + 1, "");
    } else lines[lines.length - 1] += token;
  }
  return lines.filter((line, i) => line !== "" || i < lines.length - 1);
}

Deno.test("durations are shown as h:mm:ss, rounded up", () => {
  assertEquals(formatDuration(0), "0:00:00");
  assertEquals(formatDuration(6.2), "0:00:07");
  assertEquals(formatDuration(3725), "1:02:05");
});

Deno.test("--progress-bar: auto draws on a terminal unless -q, on only on a terminal, raw always", () => {
  assertEquals(progressMode(undefined, { terminal: true, quiet: 0 }), "bars");
  assertEquals(progressMode("auto", { terminal: true, quiet: 1 }), "off");
  assertEquals(progressMode(undefined, { terminal: false, quiet: 0 }), "off");
  assertEquals(progressMode("on", { terminal: true, quiet: 1 }), "bars");
  assertEquals(progressMode("on", { terminal: false, quiet: 0 }), "off");
  assertEquals(progressMode("off", { terminal: true, quiet: 0 }), "off");
  assertEquals(progressMode("raw", { terminal: false, quiet: 2 }), "raw");
  const out = sink(false);
  const err = sink(false);
  const piped = progressDisplay({ stdout: out, stderr: err }, {
    progressBar: undefined,
    quiet: 0,
    json: false,
  });
  assertEquals(piped.downloads, undefined);
  assertEquals(piped.status, undefined);
  const raw = progressDisplay({ stdout: out, stderr: err }, {
    progressBar: "raw",
    quiet: 0,
    json: true,
  });
  raw.downloads!.onStart("a.whl", 10);
  assertEquals(err.text(), "Progress 0 of 10\n", "raw lines leave stdout to the JSON document");
  assertEquals(out.text(), "");
});

Deno.test("download bars show each file's speed and time left, and the total's speed", () => {
  let now = 0;
  const out = sink();
  const bars = new ProgressBars(out, { now: () => now });
  bars.onStart("big-1.0-py3-none-any.whl", 8_000_000);
  now = 1000;
  bars.onProgress("big-1.0-py3-none-any.whl", 2_000_000, 8_000_000);
  const drawn = screen(out.text());
  assertEquals(drawn.length, 2);
  assert(drawn[0]!.includes("2.0 MB/8.0 MB 2.0 MB/s eta 0:00:03"), drawn[0]);
  assertEquals(drawn[1], "  0/1 files, 2.0 MB at 2.0 MB/s");
  // Redraws are at most ten a second.
  now = 1050;
  bars.onProgress("big-1.0-py3-none-any.whl", 3_000_000, 8_000_000);
  assertEquals(screen(out.text()), drawn);
  now = 2000;
  bars.onProgress("big-1.0-py3-none-any.whl", 6_000_000, 8_000_000);
  assert(screen(out.text())[0]!.includes("6.0 MB/8.0 MB 3.0 MB/s eta 0:00:01"));
  bars.onDone("big-1.0-py3-none-any.whl");
  bars.finish();
  assertEquals(screen(out.text()), []);
});

Deno.test("raw progress: pip's lines, at most every quarter second, and always the last", () => {
  let now = 0;
  const out = sink(false);
  const raw = new RawProgress(out, { now: () => now });
  raw.onStart("a.whl", 300);
  now = 100;
  raw.onProgress("a.whl", 100, 300);
  now = 300;
  raw.onProgress("a.whl", 200, 300);
  now = 310;
  raw.onProgress("a.whl", 300, 300);
  raw.onDone("a.whl");
  assertEquals(out.text(), "Progress 0 of 300\nProgress 200 of 300\nProgress 300 of 300\n");
});

Deno.test("the status line names the phase, counts seconds, and is erased at the end", () => {
  let now = 0;
  const out = sink();
  const status = new StatusLine(out, { now: () => now });
  try {
    status.show(phaseText({ kind: "unpacking", done: 0, total: 3 }));
    assertEquals(screen(out.text()), ["⠋ Unpacking 0/3 wheels"]);
    now = 2500;
    status.show(phaseText({ kind: "unpacking", done: 2, total: 3 }));
    assertEquals(screen(out.text()), ["⠙ Unpacking 2/3 wheels (2s)"]);
    status.show(phaseText({ kind: "installing", done: 0, total: 1 }));
    assertEquals(screen(out.text()), ["⠹ Installing 1 package"]);
  } finally {
    status.finish();
  }
  assertEquals(screen(out.text()), []);
});
