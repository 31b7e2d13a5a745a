/**
 * Upload times (PEP 700) and cooldowns: `--uploaded-prior-to` (alias
 * `--exclude-newer`) as pip 26 reads it, and the index's `upload-time`
 * values as pip reads them, both as Python 3.11's
 * `datetime.fromisoformat` (the C implementation pip runs) parses them.
 *
 * Times are microseconds since the Unix epoch (UTC), exact for every year
 * Python's `datetime` allows. Pure: the clock and the local time zone are
 * passed in (defaulting to the system's).
 *
 * @module
 */

import { pythonRepr } from "./message.ts";
import { DpipError } from "../errors.ts";

/**
 * A `--uploaded-prior-to` value that is neither a datetime nor a `P<n>D`
 * duration, or an index `upload-time` that is not a datetime.
 */
export class InvalidUploadTimeError extends DpipError<"invalid-upload-time"> {
  /** The value as given. */
  readonly input: string;
  /** `input` is the value given; `message` says where it came from. */
  constructor(input: string, message: string) {
    super("invalid-upload-time", message);
    this.name = "InvalidUploadTimeError";
    this.input = input;
  }
}

/** The parts of an ISO 8601 date-time as `datetime.fromisoformat` reads them. */
export interface IsoDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  /** The UTC offset in microseconds; undefined for a naive (local) time. */
  readonly offsetMicros?: number;
}

const ZERO = 0x30;

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= ZERO + 9;
}

/** Reads exactly `count` ASCII digits at `at`; undefined when one is not a digit. */
function digits(bytes: Uint8Array, at: number, count: number): number | undefined {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const byte = bytes[at + i];
    if (!isDigit(byte)) return undefined;
    value = value * 10 + (byte! - ZERO);
  }
  return value;
}

const DASH = 0x2d;
const WEEK = 0x57; // "W"

function separatorLocation(bytes: Uint8Array): number {
  const length = bytes.length;
  if (length === 7) return 7;
  if (bytes[4] === DASH) {
    if (bytes[5] === WEEK) {
      if (length < 8) return -1;
      if (length > 8 && bytes[8] === DASH) {
        if (length === 9) return -1;
        if (length > 10 && isDigit(bytes[10])) return 8;
        return 10;
      }
      return 8;
    }
    return 10;
  }
  if (bytes[4] === WEEK) {
    let index = 7;
    while (index < length && isDigit(bytes[index])) index++;
    if (index < 9) return index;
    return index % 2 === 0 ? 7 : 8;
  }
  return 8;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** ISO year, week and weekday → Gregorian date (Python's `_isoweek_to_gregorian`). */
function isoWeekDate(
  year: number,
  week: number,
  day: number,
): { year: number; month: number; day: number } | undefined {
  if (week <= 0 || week >= 53) {
    if (week !== 53) return undefined;
    const jan1 = new Date(0);
    jan1.setUTCFullYear(year, 0, 1);
    const weekday = jan1.getUTCDay(); // 0 = Sunday
    const isoWeekday = weekday === 0 ? 7 : weekday;
    const leap = daysInMonth(year, 2) === 29;
    if (!(isoWeekday === 4 || (isoWeekday === 3 && leap))) return undefined;
  }
  if (day <= 0 || day >= 8) return undefined;
  // The Monday of week 1 is the one of the week holding January 4th.
  const jan4 = new Date(0);
  jan4.setUTCFullYear(year, 0, 4);
  const jan4Weekday = (jan4.getUTCDay() + 6) % 7; // 0 = Monday
  const result = new Date(jan4.getTime() + ((week - 1) * 7 + (day - 1) - jan4Weekday) * 86_400_000);
  return {
    year: result.getUTCFullYear(),
    month: result.getUTCMonth() + 1,
    day: result.getUTCDate(),
  };
}

function parseDate(
  bytes: Uint8Array,
  length: number,
): { year: number; month: number; day: number } | undefined {
  const year = digits(bytes, 0, 4);
  if (year === undefined) return undefined;
  let at = 4;
  const separator = bytes[at] === DASH;
  if (separator) at++;
  if (bytes[at] === WEEK) {
    at++;
    const week = digits(bytes, at, 2);
    if (week === undefined) return undefined;
    at += 2;
    let day = 1;
    if (at < length) {
      if (separator && bytes[at++] !== DASH) return undefined;
      const parsed = digits(bytes, at, 1);
      if (parsed === undefined) return undefined;
      day = parsed;
    }
    return isoWeekDate(year, week, day);
  }
  const month = digits(bytes, at, 2);
  if (month === undefined) return undefined;
  at += 2;
  if (separator && bytes[at++] !== DASH) return undefined;
  const day = digits(bytes, at, 2);
  if (day === undefined) return undefined;
  return { year, month, day };
}

const CORRECTION = [100000, 10000, 1000, 100, 10];

/**
 * `HH[:?MM[:?SS[{.,}ffffff]]]` from `start` to `end`, as CPython's
 * `parse_hh_mm_ss_ff` reads it (it may look at the byte at `end`): the parts
 * and whether anything but the end of the string follows.
 */
function parseClock(
  bytes: Uint8Array,
  start: number,
  end: number,
): { parts: [number, number, number, number]; more: boolean } | undefined {
  const parts: [number, number, number, number] = [0, 0, 0, 0];
  let at = start;
  let separator = true;
  for (let i = 0; i < 3; i++) {
    const value = digits(bytes, at, 2);
    if (value === undefined) return undefined;
    parts[i] = value;
    at += 2;
    const byte = bytes[at];
    at++;
    if (i === 0) separator = byte === 0x3a;
    if (at >= end) return { parts, more: byte !== undefined };
    if (separator && byte === 0x3a) continue;
    if (byte === 0x2e || byte === 0x2c) break;
    if (!separator) at--;
    else return undefined;
  }
  const remaining = end - at;
  const count = Math.min(remaining, 6);
  const micro = digits(bytes, at, count);
  if (micro === undefined) return undefined;
  parts[3] = count === 0 ? 0 : count < 6 ? micro * CORRECTION[count - 1]! : micro;
  at += count;
  while (isDigit(bytes[at])) at++;
  return { parts, more: bytes[at] !== undefined };
}

function parseTime(
  bytes: Uint8Array,
  start: number,
): { parts: [number, number, number, number]; offsetMicros?: number } | undefined {
  const end = bytes.length;
  let tz = start;
  do {
    const byte = bytes[tz];
    if (byte === 0x5a || byte === 0x2b || byte === DASH) break;
  } while (++tz < end);
  const clock = parseClock(bytes, start, tz);
  if (clock === undefined) return undefined;
  if (tz === end) return clock.more ? undefined : { parts: clock.parts };
  if (bytes[tz] === 0x5a) {
    return tz + 1 === end ? { parts: clock.parts, offsetMicros: 0 } : undefined;
  }
  const sign = bytes[tz] === DASH ? -1 : 1;
  const offset = parseClock(bytes, tz + 1, end);
  if (offset === undefined || offset.more) return undefined;
  const [h, m, s, us] = offset.parts;
  return { parts: clock.parts, offsetMicros: sign * ((h * 3600 + m * 60 + s) * 1_000_000 + us) };
}

const DAY_MICROS = 86_400_000_000;

/**
 * Parses an ISO 8601 date or date-time exactly as Python 3.11's
 * `datetime.fromisoformat` does (dates `YYYY-MM-DD`, `YYYYMMDD`, ISO weeks;
 * any one character between date and time; `Z` or `±HH[:MM[:SS[.f]]]`
 * offsets; fractions cut to microseconds).
 *
 * @returns undefined for what Python refuses.
 * @example
 * ```ts
 * import { parseIsoDateTime } from "./upload_time.ts";
 * parseIsoDateTime("2024-02-29T10:00:00.5Z")?.microsecond; // 500000
 * parseIsoDateTime("2023-02-29"); // undefined
 * ```
 */
export function parseIsoDateTime(text: string): IsoDateTime | undefined {
  const bytes = new TextEncoder().encode(text);
  if ([...text].length < 7) return undefined;
  const location = separatorLocation(bytes);
  if (location < 0) return undefined;
  const date = parseDate(bytes, location);
  if (date === undefined) return undefined;
  let time: ReturnType<typeof parseTime> = { parts: [0, 0, 0, 0] };
  if (bytes.length > location) {
    // The separator is any one character: skip its UTF-8 bytes.
    const lead = bytes[location]!;
    const width = (lead & 0x80) === 0
      ? 1
      : (lead & 0xf0) === 0xe0
      ? 3
      : (lead & 0xf0) === 0xf0
      ? 4
      : 2;
    time = parseTime(bytes, location + width);
    if (time === undefined) return undefined;
  }
  const [hour, minute, second, microsecond] = time.parts;
  const { year, month, day } = date;
  if (year < 1 || year > 9999 || month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (time.offsetMicros !== undefined && Math.abs(time.offsetMicros) >= DAY_MICROS) {
    return undefined;
  }
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    microsecond,
    ...(time.offsetMicros === undefined ? {} : { offsetMicros: time.offsetMicros }),
  };
}

/** Converts a local wall-clock time (milliseconds as if it were UTC) to UTC milliseconds. */
export type LocalTimeZone = (wallClockMs: number) => number;

/** The system's time zone, as Python's `astimezone()` applies it to a naive time. */
export const systemTimeZone: LocalTimeZone = (wallClockMs) => {
  const wall = new Date(wallClockMs);
  const local = new Date(0);
  local.setFullYear(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  local.setHours(wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds(), 0);
  return local.getTime();
};

/** Microseconds since the epoch of a parsed date-time; a naive one is taken in `zone`. */
export function epochMicros(time: IsoDateTime, zone: LocalTimeZone = systemTimeZone): number {
  const wall = new Date(0);
  wall.setUTCFullYear(time.year, time.month - 1, time.day);
  wall.setUTCHours(time.hour, time.minute, time.second, 0);
  const utcMs = time.offsetMicros === undefined ? zone(wall.getTime()) : wall.getTime();
  return utcMs * 1000 + time.microsecond - (time.offsetMicros ?? 0);
}

/**
 * The instant a `--uploaded-prior-to`/`--exclude-newer` value names, as
 * pip 26 reads it: `P<n>D` is `n` days before `now`; anything else is an
 * ISO 8601 date or date-time, in the local time zone when it has no offset.
 *
 * @throws {InvalidUploadTimeError} for anything else.
 * @example
 * ```ts
 * import { parseUploadedPriorTo } from "./upload_time.ts";
 * parseUploadedPriorTo("P1D", { nowMs: 86_400_000 }); // 0
 * parseUploadedPriorTo("1970-01-02T00:00:00Z"); // 86400000000
 * ```
 */
export function parseUploadedPriorTo(
  value: string,
  options: { nowMs?: number; zone?: LocalTimeZone } = {},
): number {
  const duration = /^P([0-9]+)D\n?$/.exec(value);
  if (duration !== null) {
    const days = Number(duration[1]);
    const micros = (options.nowMs ?? Date.now()) * 1000 - days * DAY_MICROS;
    if (!Number.isSafeInteger(micros) || micros < MIN_MICROS) {
      throw new InvalidUploadTimeError(value, optionMessage(value, "date value out of range"));
    }
    return micros;
  }
  const parsed = parseIsoDateTime(value);
  if (parsed === undefined) {
    throw new InvalidUploadTimeError(
      value,
      optionMessage(value, `Invalid isoformat string: ${pythonRepr(value)}`),
    );
  }
  const micros = epochMicros(parsed, options.zone);
  if (parsed.offsetMicros === undefined) {
    // Python's astimezone() of a naive time converts the wall clock a day back, and the wall
    // clock as if it were UTC, and fails when either leaves the years 1 to 9999.
    const wall = epochMicros({ ...parsed, offsetMicros: 0 });
    const offset = wall - micros;
    if (wall - DAY_MICROS < MIN_MICROS || wall + offset > MAX_MICROS || micros > MAX_MICROS) {
      throw new InvalidUploadTimeError(value, optionMessage(value, "year is out of range"));
    }
  }
  return micros;
}

function optionMessage(value: string, why: string): string {
  return `--uploaded-prior-to: invalid value: ${
    pythonRepr(value)
  }: ${why}. Expected an ISO 8601 datetime string (e.g., '2023-01-01' or '2023-01-01T00:00:00Z') or a duration in days (e.g., 'P3D')`;
}

/** 0001-01-01T00:00:00Z, Python's earliest datetime. */
const MIN_MICROS = -62_135_596_800_000_000;
/** 9999-12-31T23:59:59.999999Z, Python's latest datetime. */
const MAX_MICROS = 253_402_300_799_999_999;

/**
 * The instant an index's PEP 700 `upload-time` names (pip reads it with
 * `fromisoformat` too; a naive one is local time); undefined when absent or
 * empty, as pip treats it.
 *
 * @throws {InvalidUploadTimeError} for text that is not a date-time.
 */
export function parseIndexUploadTime(
  value: string | undefined,
  zone: LocalTimeZone = systemTimeZone,
): number | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed = parseIsoDateTime(value);
  if (parsed === undefined) {
    throw new InvalidUploadTimeError(
      value,
      `The index gives an upload-time that is not an ISO 8601 datetime: ${pythonRepr(value)}`,
    );
  }
  return epochMicros(parsed, zone);
}

/** An instant as Python prints an aware UTC datetime: `2024-01-02 03:04:05.123456+00:00`. */
export function formatUtcMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const us = micros - ms * 1000;
  const date = new Date(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const fraction = date.getUTCMilliseconds() * 1000 + us;
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${
    pad(date.getUTCDate())
  } ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${
    fraction === 0 ? "" : `.${pad(fraction, 6)}`
  }+00:00`;
}
