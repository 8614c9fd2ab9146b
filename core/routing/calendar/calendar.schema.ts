import { DateTime, IANAZone } from "luxon";
import { z } from "zod";

import { slugSchema } from "../../kernel/config/slug";
import { regionProblem } from "./holiday-regions";
import { parseInterval, WEEKDAYS, type MinuteInterval } from "./intervals";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Why `text` is not a `YYYY-MM-DD` date that exists, or null when it is one. */
function dateProblem(text: string): string | null {
  if (!ISO_DATE.test(text)) return `"${text}" is not a date: write YYYY-MM-DD, e.g. "2026-12-24"`;
  if (!DateTime.fromISO(text, { zone: "utc" }).isValid) return `"${text}" is not a day of the calendar`;
  return null;
}

/** A local date of the calendar's zone, `YYYY-MM-DD`. */
export const isoDateSchema = z.string().superRefine((text, ctx) => {
  const problem = dateProblem(text);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * A day's open intervals, `["09:00-12:30", "13:30-17:00"]`, in any order; `[]` is closed. Intervals may touch
 * (12:00 ends one, 12:00 starts the next: the time counts as continuous) but not overlap, since an overlap is
 * nearly always a typo and counting its minutes once or twice would both surprise somebody.
 */
export const intervalListSchema = z.array(z.string()).superRefine((texts, ctx) => {
  const parsed: { interval: MinuteInterval; index: number }[] = [];
  texts.forEach((text, index) => {
    const result = parseInterval(text);
    if (result.ok) parsed.push({ interval: result.value, index });
    else ctx.addIssue({ code: "custom", message: result.error, path: [index] });
  });
  parsed.sort((a, b) => a.interval.start - b.interval.start);
  let latest = parsed[0];
  for (const entry of parsed.slice(1)) {
    if (latest === undefined) break;
    if (entry.interval.start < latest.interval.end) {
      const message =
        `"${texts[entry.index]}" overlaps "${texts[latest.index]}" (entry ${latest.index}): intervals of one day ` +
        `must not overlap; touching is fine ("09:00-12:00", "12:00-13:00")`;
      ctx.addIssue({ code: "custom", message, path: [entry.index] });
    }
    if (entry.interval.end > latest.interval.end) latest = entry;
  }
});

/** `hours:` the weekly pattern; a weekday left out is closed. */
export const weeklyHoursSchema = z.strictObject({
  mon: intervalListSchema.optional(),
  tue: intervalListSchema.optional(),
  wed: intervalListSchema.optional(),
  thu: intervalListSchema.optional(),
  fri: intervalListSchema.optional(),
  sat: intervalListSchema.optional(),
  sun: intervalListSchema.optional(),
});

const timeZoneSchema = z.string().superRefine((zone, ctx) => {
  if (IANAZone.isValidZone(zone)) return;
  const message =
    `"${zone}" is not an IANA time zone: use a name like "Europe/Berlin" or "America/New_York" ` +
    `(https://en.wikipedia.org/wiki/List_of_tz_database_time_zones), not an abbreviation or an offset`;
  ctx.addIssue({ code: "custom", message });
});

const holidayRegionSchema = z.string().superRefine((code, ctx) => {
  const problem = regionProblem(code);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * One business-hours calendar: when a team counts time for SLA targets. Precedence for a date: its override, then
 * a holiday (listed, or public in a region), then the weekly hours.
 */
export const calendarSchema = z
  .strictObject({
    id: slugSchema,
    /** IANA zone the hours, holidays and overrides are read in (its DST rules included). */
    timeZone: timeZoneSchema,
    hours: weeklyHoursSchema,
    /** Dates closed all day. */
    holidays: z.array(isoDateSchema).default(() => []),
    /** date-holidays codes (`DE-BE`, `US-NY`): their `public` holidays are closed all day. */
    holidayRegions: z.array(holidayRegionSchema).default(() => []),
    /** A date's own intervals instead of its weekday's (`[]`: closed); wins over holidays. */
    overrides: z.record(z.string(), intervalListSchema).default(() => ({})),
  })
  .superRefine((calendar, ctx) => {
    if (!WEEKDAYS.some((day) => (calendar.hours[day] ?? []).some((text) => parseInterval(text).ok))) {
      const message =
        "the week has no open interval: give at least one weekday hours (a calendar that is never open " +
        "would put every business-time due date out of reach); for round-the-clock time use calendar time";
      ctx.addIssue({ code: "custom", message, path: ["hours"] });
    }
    const holidays = new Set(calendar.holidays);
    for (const date of Object.keys(calendar.overrides)) {
      const problem = dateProblem(date);
      const message =
        problem ??
        (holidays.has(date)
          ? `${date} is both a holiday and an override: keep one (an override of [] closes the day too)`
          : null);
      if (message !== null) ctx.addIssue({ code: "custom", message, path: ["overrides", date] });
    }
  });

/** A calendar as written in the config (defaults optional). */
export type CalendarInput = z.input<typeof calendarSchema>;

/** A validated calendar, defaults filled in. */
export type Calendar = z.output<typeof calendarSchema>;
