import { invalidParameter } from "./problem.ts";

/**
 * Strict reading of `format: date-time` parameters. The validator checks only their syntax: it lets
 * through year 0000, February 30, month 13, hour 24 to 29, the leap second 23:59:60 and an offset of
 * +99:99, which JavaScript cannot represent or reads as another instant and PostgreSQL refuses.
 */

/** Earliest instant accepted: PostgreSQL has no year 0, and JavaScript prints years before 1 oddly. */
export const MIN_DATE_TIME = utc(1, 1, 1, 0, 0, 0, 0);
/** Latest instant accepted: the last millisecond of 9999, the largest year of a four-digit date-time. */
export const MAX_DATE_TIME = utc(9999, 12, 31, 23, 59, 59, 999);

// The syntax the validator's `date-time` format accepts (ajv-formats, fast mode): RFC 3339, with
// `t` and `z` in either case and offsets written `+hh`, `+hhmm` or `+hh:mm`.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A date-time parameter as an instant, or why it is not one (a `validation_failed` detail message). */
export type DateTimeReading = { ok: true; date: Date } | { ok: false; message: string };

/** Reads an RFC 3339 date-time into the instant it names, refusing any field out of range. */
export function readDateTime(text: string): DateTimeReading {
  const m = DATE_TIME.exec(text);
  if (!m) return refuse('must match format "date-time"');
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return refuse("must be a date-time with a month from 01 to 12");
  if (day < 1 || day > daysIn(year, month)) return refuse("must be a date-time with a day its month has");
  if (hour > 23 || minute > 59) return refuse("must be a date-time with an hour from 00 to 23 and minutes from 00 to 59");
  if (second > 59) return refuse("must be a date-time with seconds from 00 to 59 (leap seconds are not supported)");
  let offsetMinutes = 0;
  if (!m[8]) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11] ?? 0);
    if (offsetHours > 23 || offsetMins > 59) return refuse("must be a date-time with an offset from -23:59 to +23:59");
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = Number((m[7] ?? "").slice(0, 3).padEnd(3, "0"));
  const instant = utc(year, month, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  if (!(instant >= MIN_DATE_TIME && instant <= MAX_DATE_TIME)) {
    return refuse("must be a date-time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z");
  }
  return { ok: true, date: new Date(instant) };
}

/**
 * The instant of a date-time parameter (`at` is its JSON pointer, e.g. `/query/from`).
 * @throws HttpProblem 400 `validation_failed` naming the parameter, when it names no instant in range.
 */
export function toInstant(text: string, at: string): Date {
  const reading = readDateTime(text);
  if (!reading.ok) throw invalidParameter(at, reading.message);
  return reading.date;
}

/** Milliseconds since the epoch of a UTC date and time, for any year from 0 to 9999. */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  // Date.UTC reads years 0 to 99 as 1900 to 1999: set the full year separately.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  date.setUTCFullYear(year);
  return date.getTime();
}

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

function refuse(message: string): DateTimeReading {
  return { ok: false, message };
}
