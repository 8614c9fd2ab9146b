import { IANAZone } from "luxon";

import type { Calendar } from "./calendar.schema";
import { publicHolidays } from "./holiday-regions";
import { MINUTES_PER_DAY, parseInterval, WEEKDAYS, type MinuteInterval } from "./intervals";

/** A date on the calendar's wall, without a time or a zone. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** Open time as real instants (epoch milliseconds): `start` inclusive, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** One local date turned into real time. */
export interface OpenDay {
  /** Days from 1970-01-01 to this local date: the walk's step and the memo's key. */
  number: number;
  /** The date's first instant (its midnight, or the first time that exists after it). */
  start: number;
  /** The next date's first instant. */
  end: number;
  /** Open spans in order, inside [start, end). */
  spans: readonly Span[];
}

/** What a calendar says about each local date, in real time. */
export interface CalendarDays {
  /** The local date that holds `ms`. */
  dayOf(ms: number): OpenDay;
  /** The local date after `day`. */
  after(day: OpenDay): OpenDay;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/**
 * Days remembered per schedule (about eleven years): SLA timers ask about the same few weeks again and again,
 * and turning a date into instants asks the zone for its offset several times (Intl underneath, microseconds each).
 * When full, the memo starts again from empty.
 */
const MEMO_DAYS = 4096;

/**
 * The calendar's days. Everything is decided on local dates and wall-clock minutes, and only then turned into
 * instants with the zone's offsets (luxon's `IANAZone`), so a DST change shortens or lengthens the interval that spans it:
 * 01:00-04:00 in Europe/Berlin is 2 real hours on the spring-forward day and 4 on the fall-back day.
 * The memo is private to one schedule and holds only what this function would compute again.
 */
export function calendarDays(calendar: Calendar): CalendarDays {
  const zone = IANAZone.create(calendar.timeZone);
  const intervalsOf = dayIntervals(calendar);
  const memo = new Map<number, OpenDay>();
  const day = (number: number): OpenDay => {
    let found = memo.get(number);
    if (found === undefined) {
      if (memo.size >= MEMO_DAYS) memo.clear();
      // A walk asks for the day after one it has: that day's end is this one's start, one conversion saved.
      const start = memo.get(number - 1)?.end;
      found = openDay(zone, number, intervalsOf(localDate(number)), start);
      memo.set(number, found);
    }
    return found;
  };
  return {
    dayOf(ms) {
      // The local date is the UTC date or one next to it (offsets lie within ±14 h); ask the zone for the offset
      // only when none of them is remembered yet.
      const utcDay = Math.floor(ms / DAY_MS);
      for (const number of [utcDay, utcDay - 1, utcDay + 1]) {
        const known = memo.get(number);
        if (known !== undefined && known.start <= ms && ms < known.end) return known;
      }
      return day(Math.floor((ms + zone.offset(ms) * MINUTE_MS) / DAY_MS));
    },
    after: (previous) => day(previous.number + 1),
  };
}

function openDay(
  zone: IANAZone,
  number: number,
  intervals: readonly MinuteInterval[],
  knownStart: number | undefined,
): OpenDay {
  const date = localDate(number);
  const start = knownStart ?? wallTime(zone, date, 0);
  const end = wallTime(zone, localDate(number + 1), 0);
  // Most days have no DST change: every wall minute is then a real minute after midnight.
  const steady = end - start === DAY_MS;
  const instant = (minute: number) =>
    minute === MINUTES_PER_DAY ? end : steady ? start + minute * MINUTE_MS : wallTime(zone, date, minute);
  // Clamped to the day, so a time moved past midnight (a date the zone skipped) is not counted twice.
  const spans = intervals
    .map((interval) => ({
      start: Math.max(start, instant(interval.start)),
      end: Math.min(end, instant(interval.end)),
    }))
    .filter((span) => span.end > span.start);
  return { number, start, end, spans };
}

/**
 * A wall-clock time as an instant. Decided here, not by luxon's `DateTime.fromObject`: that one picks between the
 * two instants of a repeated time with a guess taken from the zone's offset when the process runs, so the answer
 * would change with the season the hub was started in. The rule is Temporal's "compatible" one (RFC 5545 reads
 * times the same way): a repeated time (02:30 on the fall-back day) is its earlier instant; a time a
 * spring-forward gap skips is read with the offset before the gap, so it lands that much later (02:30 becomes
 * 03:30 CEST in Berlin), and a midnight that does not exist becomes the date's first instant.
 * Offsets one day either side bound the candidates: zones change offset at most once in such a window.
 */
function wallTime(zone: IANAZone, date: LocalDate, minute: number): number {
  const local = Date.UTC(date.year, date.month - 1, date.day) + minute * MINUTE_MS;
  const before = local - zone.offset(local - DAY_MS) * MINUTE_MS;
  const after = local - zone.offset(local + DAY_MS) * MINUTE_MS;
  const exists = (instant: number) => instant + zone.offset(instant) * MINUTE_MS === local;
  const candidates = [before, after].filter(exists);
  return candidates.length === 0 ? before : Math.min(...candidates);
}

export function localDate(number: number): LocalDate {
  const date = new Date(number * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** The open intervals of a date: its override, else nothing on a holiday, else its weekday's hours. */
function dayIntervals(calendar: Calendar): (date: LocalDate) => readonly MinuteInterval[] {
  const weekly = WEEKDAYS.map((weekday) => parseList(calendar.hours[weekday] ?? []));
  const overrides = new Map(Object.entries(calendar.overrides).map(([date, list]) => [date, parseList(list)]));
  const holidays = new Set(calendar.holidays);
  const isPublicHoliday = publicHolidays(calendar.holidayRegions);
  return (date) => {
    const key = isoDate(date);
    const override = overrides.get(key);
    if (override !== undefined) return override;
    if (holidays.has(key) || isPublicHoliday(key)) return [];
    return weekly[isoWeekdayIndex(date)] ?? [];
  };
}

/** Intervals sorted by start; the schema has already refused any text that does not parse or that overlaps. */
function parseList(texts: readonly string[]): MinuteInterval[] {
  return texts
    .map((text) => parseInterval(text))
    .flatMap((result) => (result.ok ? [result.value] : []))
    .sort((a, b) => a.start - b.start);
}

export function isoDate(date: LocalDate): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

/** 0 for Monday … 6 for Sunday, the order of WEEKDAYS. */
function isoWeekdayIndex(date: LocalDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}
