import { calendarSchema, type CalendarInput } from "./calendar.schema";
import { calendarDays, isoDate, localDate, type CalendarDays, type OpenDay } from "./calendar-days";

/**
 * Time arithmetic an SLA timer needs, in business time (a calendar's open hours) or in calendar time (every
 * minute). Both kinds share this interface, so SLA code picks one per policy and never branches on it again.
 * Modelled on Ruby's `biz` gem (which Zammad uses).
 *
 * @see https://github.com/zendesk/biz
 */
export interface Schedule {
  readonly kind: "business" | "calendar";
  /** The calendar's id; null for calendar time. */
  readonly calendarId: string | null;
  /** Whether `at` lies in open time (intervals include their start and exclude their end). */
  isOpen(at: Date): boolean;
  /**
   * The instant `minutes` of open time after `from`. From a closed time the count starts at the next opening,
   * so 0 minutes gives `nextOpen(from)`. A result that fills an interval exactly is that interval's end (17:00,
   * not the next morning). `minutes` must be finite and ≥ 0; fractions are kept to the millisecond.
   */
  addBusinessMinutes(from: Date, minutes: number): Date;
  /** Open minutes in [from, to); 0 when `to` ≤ `from`. Fractional when the instants are not on whole minutes. */
  businessMinutesBetween(from: Date, to: Date): number;
  /** `at` itself when open, else the start of the next open interval. */
  nextOpen(at: Date): Date;
}

/**
 * Bounds on every walk over days. The schema refuses a week with no open hours, so only holidays and overrides
 * can close days in a row; three years of that is a broken calendar, not a long weekend.
 */
const MAX_CLOSED_DAYS = 3 * 366;
/** Bounds the walk however open the calendar is: no SLA target is a century away. */
const MAX_DAYS = 100 * 366;

const MINUTE_MS = 60_000;

/**
 * A schedule over one calendar. The calendar is validated again here (a ZodError when invalid), since the
 * bounded walks rely on the schema's guarantees. The returned object is frozen and shares nothing with other
 * schedules (each has its own date-holidays instances); its only state is a private memo of the days and holiday
 * years it has computed, which changes no answer. Create one per calendar and keep it.
 */
export function createSchedule(input: CalendarInput): Schedule {
  const calendar = calendarSchema.parse(input);
  const days = calendarDays(calendar);
  const walk = (from: number, visit: (day: OpenDay) => boolean) => walkDays(calendar.id, days, from, visit);
  return Object.freeze({
    kind: "business",
    calendarId: calendar.id,
    isOpen: (at: Date) => isOpenAt(days, instant(at, "at")),
    nextOpen: (at: Date) => new Date(nextOpenAt(walk, instant(at, "at"))),
    addBusinessMinutes: (from: Date, minutes: number) =>
      new Date(addOpenTime(walk, instant(from, "from"), duration(minutes))),
    businessMinutesBetween: (from: Date, to: Date) =>
      openTimeBetween(walk, instant(from, "from"), instant(to, "to")) / MINUTE_MS,
  } satisfies Schedule);
}

/** Calendar time: always open, every minute counts. The same checks on arguments as a business schedule. */
export function calendarTime(): Schedule {
  return Object.freeze({
    kind: "calendar",
    calendarId: null,
    isOpen: (at: Date) => {
      instant(at, "at");
      return true;
    },
    nextOpen: (at: Date) => new Date(instant(at, "at")),
    addBusinessMinutes: (from: Date, minutes: number) => new Date(instant(from, "from") + duration(minutes)),
    businessMinutesBetween: (from: Date, to: Date) =>
      Math.max(0, instant(to, "to") - instant(from, "from")) / MINUTE_MS,
  } satisfies Schedule);
}

type Walk = (from: number, visit: (day: OpenDay) => boolean) => void;

function isOpenAt(days: CalendarDays, at: number): boolean {
  return days.dayOf(at).spans.some((span) => span.start <= at && at < span.end);
}

function nextOpenAt(walk: Walk, at: number): number {
  let found = at;
  walk(at, (day) => {
    const span = day.spans.find((candidate) => candidate.end > at);
    if (span !== undefined) found = Math.max(span.start, at);
    return span !== undefined;
  });
  return found;
}

function addOpenTime(walk: Walk, from: number, amount: number): number {
  let remaining = amount;
  let result = from;
  walk(from, (day) => {
    for (const span of day.spans) {
      if (span.end <= from) continue;
      const start = Math.max(span.start, from);
      if (remaining <= span.end - start) {
        result = start + remaining;
        return true;
      }
      remaining -= span.end - start;
    }
    return false;
  });
  return result;
}

function openTimeBetween(walk: Walk, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  walk(from, (day) => {
    for (const span of day.spans) total += Math.max(0, Math.min(span.end, to) - Math.max(span.start, from));
    return day.end >= to;
  });
  return total;
}

/**
 * Visits local dates from the one holding `from` until `visit` says it is done. Throws after MAX_CLOSED_DAYS
 * closed dates in a row or MAX_DAYS in all, instead of looping for ever on a calendar the schema could not judge.
 */
function walkDays(id: string, days: CalendarDays, from: number, visit: (day: OpenDay) => boolean): void {
  const first = days.dayOf(from);
  let day = first;
  let closedInARow = 0;
  for (let walked = 0; walked < MAX_DAYS; walked += 1) {
    if (visit(day)) return;
    closedInARow = day.spans.length === 0 ? closedInARow + 1 : 0;
    if (closedInARow >= MAX_CLOSED_DAYS)
      throw new Error(
        `calendar "${id}": closed on every day from ${isoDate(localDate(first.number))} to ` +
          `${isoDate(localDate(day.number))} (${MAX_CLOSED_DAYS} days in a row); check its holidays and overrides`,
      );
    day = days.after(day);
  }
  throw new RangeError(
    `calendar "${id}": the answer lies more than ${MAX_DAYS} days after ${new Date(from).toISOString()}`,
  );
}

function instant(date: Date, name: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid Date`);
  return ms;
}

function duration(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new RangeError(`minutes must be a finite number ≥ 0, got ${minutes}`);
  return Math.round(minutes * MINUTE_MS);
}
