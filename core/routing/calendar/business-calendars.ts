import type { BusinessCalendars } from "../rules/case-view";
import type { Calendar } from "./calendar.schema";
import { createSchedule, type Schedule } from "./schedule";

/**
 * The configured calendars as rules ask them (`businessHours:` conditions), each schedule built once. An unknown id
 * is a bug: the config check refuses rules that name a calendar `calendars:` does not have.
 */
export function businessCalendars(calendars: readonly Calendar[]): BusinessCalendars {
  const schedules = new Map<string, Schedule>(calendars.map((calendar) => [calendar.id, createSchedule(calendar)]));
  return {
    isOpen(calendarId, at) {
      const schedule = schedules.get(calendarId);
      if (!schedule) throw new Error(`no calendar "${calendarId}" is configured`);
      return schedule.isOpen(at);
    },
  };
}
