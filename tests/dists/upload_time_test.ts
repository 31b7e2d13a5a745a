import {
  epochMicros,
  formatUtcMicros,
  InvalidUploadTimeError,
  parseIndexUploadTime,
  parseIsoDateTime,
  parseUploadedPriorTo,
} from "../../lib/dists/upload_time.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { pip26, runPip26Json } from "../helpers/pip26.ts";
import { skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

/** A fixed time zone five hours behind UTC (POSIX `EST5`), for naive times. */
const est5 = (wallMs: number) => wallMs + 5 * 3600_000;

Deno.test("parseUploadedPriorTo() reads P<n>D as n days before now, and ISO dates and datetimes", () => {
  const now = Date.UTC(2024, 5, 10, 12, 0, 0);
  assertEquals(parseUploadedPriorTo("P3D", { nowMs: now }), (now - 3 * 86_400_000) * 1000);
  assertEquals(parseUploadedPriorTo("P0D\n", { nowMs: now }), now * 1000);
  assertEquals(parseUploadedPriorTo("2024-01-01T00:00:00Z"), Date.UTC(2024, 0, 1) * 1000);
  assertEquals(parseUploadedPriorTo("2024-01-01", { zone: est5 }), Date.UTC(2024, 0, 1, 5) * 1000);
  assertEquals(
    parseUploadedPriorTo("2024-01-01T00:00:00.000001+01:00"),
    Date.UTC(2023, 11, 31, 23) * 1000 + 1,
  );
  for (const bad of ["P3", "3D", "P1.5D", "PT3H", "P3W", "yesterday", "2024-13-01", "P-1D", ""]) {
    const error = assertThrows(() => parseUploadedPriorTo(bad), InvalidUploadTimeError);
    assert(error.message.startsWith("--uploaded-prior-to: invalid value: "), error.message);
    assert(error.message.includes("'P3D'"), error.message);
  }
});

Deno.test("parseIndexUploadTime() treats a missing or empty upload-time as none, and refuses junk", () => {
  assertEquals(parseIndexUploadTime(undefined), undefined);
  assertEquals(parseIndexUploadTime(""), undefined);
  assertEquals(
    parseIndexUploadTime("2023-06-01T12:30:00.123456Z"),
    Date.UTC(2023, 5, 1, 12, 30) * 1000 + 123456,
  );
  assertThrows(() => parseIndexUploadTime("June 1st"), InvalidUploadTimeError);
});

Deno.test("formatUtcMicros() prints as Python prints a UTC datetime", () => {
  assertEquals(
    formatUtcMicros(Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 7),
    "2024-01-02 03:04:05.000007+00:00",
  );
  assertEquals(formatUtcMicros(Date.UTC(2024, 0, 2) * 1000), "2024-01-02 00:00:00+00:00");
});

const DATES = [
  "2023-01-15",
  "20230115",
  "2023-W03",
  "2023W03",
  "2023-W03-2",
  "2023W032",
  "2023-W53",
  "2020-W53-7",
  "2024-02-29",
  "2023-02-29",
  "0001-01-01",
  "9999-12-31",
  "2023-1-15",
  "2023-01-5",
  "2023-00-10",
  "202301",
  "2023W0",
  "2023-W03-",
  "2023-W00",
];
const SEPARATORS = ["T", "T", " ", "x", "é", "t", "", "TT"];
const TIMES = [
  "10",
  "1030",
  "10:30",
  "10:30:45",
  "103045",
  "10:30:45.1",
  "10:30:45.123456789",
  "10:30:45,5",
  "10:30:45:5",
  "10:3",
  "1",
  "24:00",
  "23:59:60",
  "10:30:45.",
  "10:30:45.5x",
  "1030:45",
  "10:3045",
];
const ZONES = [
  "",
  "",
  "Z",
  "z",
  "+05",
  "-0530",
  "+05:30",
  "+05:30:15",
  "+05:30:15.5",
  "+24:00",
  "+23:59",
  "+",
  "-00:00",
  "Z+01",
  "+0",
  "+05:3",
  "-05:30x",
];

function generate(random: Random): string {
  let text = random.pick(DATES);
  if (random.chance(0.85)) {
    text += random.pick(SEPARATORS) + random.pick(TIMES) + random.pick(ZONES);
  }
  if (random.chance(0.15)) {
    const at = random.int(0, text.length);
    text = random.chance(0.5)
      ? text.slice(0, at) + random.pick([..."0123456789-:+.ZW T"]) + text.slice(at)
      : text.slice(0, at) + text.slice(at + 1);
  }
  return text;
}

const oracle = await pip26();

Deno.test({
  name:
    "--uploaded-prior-to datetimes: the same instant as pip 26 (Python 3.11's fromisoformat) for 4,000 generated values",
  ignore: skipUnless(oracle, "the pip 26 oracle (../shared/oracles/pip26) and Python 3.11"),
  fn: async () => {
    const random = new Random(700);
    const values = Array.from({ length: 4000 }, () => generate(random));
    const expected = await runPip26Json<(number | null)[]>(
      oracle!,
      `import json, sys, optparse
from datetime import datetime, timezone, timedelta
from pip._internal.cli import cmdoptions
def fail(msg):
    raise ValueError(msg)
out = []
for value in json.load(sys.stdin):
    parser = optparse.OptionParser()
    parser.values = optparse.Values({"uploaded_prior_to": None})
    parser.error = fail
    try:
        cmdoptions._handle_uploaded_prior_to(cmdoptions.uploaded_prior_to(), "--uploaded-prior-to", value, parser)
        moment = parser.values.uploaded_prior_to
        out.append((moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1))
    except Exception:
        out.append(None)
print(json.dumps(out))`,
      values,
      { TZ: "EST5" },
    );
    let accepted = 0;
    values.forEach((value, i) => {
      let got: number | null = null;
      try {
        got = parseUploadedPriorTo(value, { zone: est5 });
        accepted++;
      } catch (error) {
        if (!(error instanceof InvalidUploadTimeError)) throw error;
      }
      assertEquals(got, expected[i], JSON.stringify(value));
    });
    assert(accepted > 500 && accepted < 3500, `${accepted} accepted`);
  },
});

Deno.test({
  name:
    "--uploaded-prior-to P<n>D: pip 26 gives the same instant (within the seconds between the two runs)",
  ignore: skipUnless(oracle, "the pip 26 oracle (../shared/oracles/pip26) and Python 3.11"),
  fn: async () => {
    const values = ["P0D", "P3D", "P365D", "P3D\n"];
    const expected = await runPip26Json<number[]>(
      oracle!,
      `import json, sys, optparse
from datetime import datetime, timezone, timedelta
from pip._internal.cli import cmdoptions
out = []
for value in json.load(sys.stdin):
    parser = optparse.OptionParser()
    parser.values = optparse.Values({"uploaded_prior_to": None})
    cmdoptions._handle_uploaded_prior_to(cmdoptions.uploaded_prior_to(), "--uploaded-prior-to", value, parser)
    out.append((parser.values.uploaded_prior_to - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1))
print(json.dumps(out))`,
      values,
    );
    values.forEach((value, i) => {
      assert(Math.abs(parseUploadedPriorTo(value) - expected[i]!) < 60_000_000, value);
    });
  },
});

Deno.test("parseIsoDateTime() keeps a naive time naive and an offset as given", () => {
  assertEquals(parseIsoDateTime("2023-01-15 10:30")?.offsetMicros, undefined);
  assertEquals(parseIsoDateTime("2023-01-15T10:30-05:30")?.offsetMicros, -19_800_000_000);
  assertEquals(epochMicros(parseIsoDateTime("1970-01-01")!, est5), 5 * 3600 * 1_000_000);
});
