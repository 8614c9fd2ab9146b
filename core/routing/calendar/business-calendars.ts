import type { BusinessCalendars } from "../rules/case-view";
import type { Calendar } from "./calendar.schema";
import { createSchedule, type Schedule } from "./schedule";

/** One set per configuration: the worker and the API of one process share the schedules. */
const built = new WeakMap<readonly Calendar[], BusinessCalendars>();

/**
 * The configured calendars as rules ask them (`businessHours:` conditions), each schedule built once per
 * configuration. An unknown id is a bug: the config check refuses rules that name a calendar `calendars:` lacks.
 */
export function businessCalendars(calendars: readonly Calendar[]): BusinessCalendars {
  let set = built.get(calendars);
  if (!set) {
    set = buildCalendars(calendars);
    built.set(calendars, set);
  }
  return set;
}

function buildCalendars(calendars: readonly Calendar[]): BusinessCalendars {
  const schedules = new Map<string, Schedule>(calendars.map((calendar) => [calendar.id, createSchedule(calendar)]));
  return {
    isOpen(calendarId, at) {
      const schedule = schedules.get(calendarId);
      if (!schedule) throw new Error(`no calendar "${calendarId}" is configured`);
      return schedule.isOpen(at);
    },
  };
}
