import { err, ok, type Result } from "../../kernel/result";

/** Minutes in a local day; `24:00` (this value) may end an interval, never start one. */
export const MINUTES_PER_DAY = 1440;

/** Config keys of the weekdays, Monday first (ISO 8601 numbers them 1…7 in this order). */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export type Weekday = (typeof WEEKDAYS)[number];

/** One open interval of a local day, in minutes after local midnight: `start` inclusive, `end` exclusive. */
export interface MinuteInterval {
  start: number;
  end: number;
}

const INTERVAL_TEXT = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/**
 * Reads `"09:00-12:30"`. An interval stays inside one local day, so "22:00-06:00" is refused with the split to
 * write instead: the day it belongs to must be explicit, or a holiday on either day would be ambiguous.
 */
export function parseInterval(text: string): Result<MinuteInterval, string> {
  const match = INTERVAL_TEXT.exec(text);
  if (!match) return err(`"${text}" is not an interval: write HH:MM-HH:MM, e.g. "09:00-17:00"`);
  const [, startHour, startMinute, endHour, endMinute] = match.map(Number) as [number, number, number, number, number];
  const start = minuteOfDay(startHour, startMinute);
  const end = minuteOfDay(endHour, endMinute);
  if (start === null || start === MINUTES_PER_DAY)
    return err(`"${text}" starts at no time of day: use 00:00 to 23:59 (24:00 may only end an interval)`);
  if (end === null) return err(`"${text}" ends at no time of day: use 00:01 to 24:00`);
  if (end === start) return err(`"${text}" is empty: it ends when it starts`);
  if (end < start) {
    const split = `"${text.slice(0, 5)}-24:00" on this day and "00:00-${text.slice(6)}" on the next`;
    return err(`"${text}" ends before it starts; an interval cannot cross midnight: write ${split}`);
  }
  return ok({ start, end });
}

function minuteOfDay(hour: number, minute: number): number | null {
  if (hour === 24 && minute === 0) return MINUTES_PER_DAY;
  if (hour > 23 || minute > 59) return null;
  return hour * 60 + minute;
}
