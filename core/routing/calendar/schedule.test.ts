import { ZodError } from "zod";

import type { CalendarInput } from "./calendar.schema";
import { calendarTime, createSchedule, type Schedule } from "./schedule";

/** Expected instants are written by hand as local times with their offset (June in Berlin: CEST, +02:00). */
const instant = (iso: string) => new Date(iso);
const iso = (text: string) => new Date(text).toISOString();

const weekdays = (intervals: string[]) => ({
  mon: intervals,
  tue: intervals,
  wed: intervals,
  thu: intervals,
  fri: intervals,
});

/** Monday to Friday with a lunch break; June 2026: Friday the 12th, Saturday 13th, Monday 15th. */
const office: CalendarInput = {
  id: "office",
  timeZone: "Europe/Berlin",
  hours: weekdays(["13:30-17:00", "09:00-12:30"]),
};

describe("a day with a lunch break", () => {
  const schedule = createSchedule(office);

  it.each([
    ["before the break", "2026-06-15T10:00+02:00", 60, "2026-06-15T11:00+02:00"],
    ["into the break, continuing after it", "2026-06-15T12:00+02:00", 60, "2026-06-15T14:00+02:00"],
    [
      "filling the morning exactly: its end, not the afternoon's start",
      "2026-06-15T12:00+02:00",
      30,
      "2026-06-15T12:30+02:00",
    ],
    ["from inside the break", "2026-06-15T13:00+02:00", 15, "2026-06-15T13:45+02:00"],
    ["the whole day", "2026-06-15T09:00+02:00", 420, "2026-06-15T17:00+02:00"],
  ])("adds minutes %s", (_name, from, minutes, expected) => {
    expect(schedule.addBusinessMinutes(instant(from), minutes).toISOString()).toBe(iso(expected));
  });

  it.each([
    ["2026-06-15T08:59+02:00", false],
    ["2026-06-15T09:00+02:00", true],
    ["2026-06-15T12:29+02:00", true],
    ["2026-06-15T12:30+02:00", false],
    ["2026-06-15T13:29+02:00", false],
    ["2026-06-15T13:30+02:00", true],
    ["2026-06-15T17:00+02:00", false],
  ])("isOpen(%s) is %s", (at, open) => {
    expect(schedule.isOpen(instant(at))).toBe(open);
  });

  it("counts a day as 420 minutes, the break left out", () => {
    expect(schedule.businessMinutesBetween(instant("2026-06-15T00:00+02:00"), instant("2026-06-16T00:00+02:00"))).toBe(
      420,
    );
    expect(schedule.nextOpen(instant("2026-06-15T12:45+02:00")).toISOString()).toBe(iso("2026-06-15T13:30+02:00"));
  });
});

describe("from a closed time, across a weekend, and adding 0 minutes", () => {
  const schedule = createSchedule(office);

  it.each([
    ["0 minutes in open time: the same instant", "2026-06-15T10:17:30+02:00", 0, "2026-06-15T10:17:30+02:00"],
    ["0 minutes at the close: the next opening", "2026-06-12T17:00+02:00", 0, "2026-06-15T09:00+02:00"],
    ["0 minutes at the break: its end", "2026-06-15T12:30+02:00", 0, "2026-06-15T13:30+02:00"],
    ["30 minutes from Saturday", "2026-06-13T10:00+02:00", 30, "2026-06-15T09:30+02:00"],
    ["30 minutes from before the opening", "2026-06-15T07:00+02:00", 30, "2026-06-15T09:30+02:00"],
    ["60 minutes from Friday 16:30, across the weekend", "2026-06-12T16:30+02:00", 60, "2026-06-15T09:30+02:00"],
    ["a week of business time from Friday 16:30", "2026-06-12T16:30+02:00", 5 * 420, "2026-06-19T16:30+02:00"],
    ["seconds are kept", "2026-06-15T09:00:45+02:00", 1, "2026-06-15T09:01:45+02:00"],
    ["a fraction of a minute", "2026-06-15T09:00+02:00", 0.5, "2026-06-15T09:00:30+02:00"],
  ])("%s", (_name, from, minutes, expected) => {
    expect(schedule.addBusinessMinutes(instant(from), minutes).toISOString()).toBe(iso(expected));
  });

  it.each([
    ["Saturday to Sunday", "2026-06-13T09:00+02:00", "2026-06-14T18:00+02:00", 0],
    ["Friday 16:00 to Monday 10:00", "2026-06-12T16:00+02:00", "2026-06-15T10:00+02:00", 120],
    ["to before from", "2026-06-15T11:00+02:00", "2026-06-15T10:00+02:00", 0],
    ["an instant to itself", "2026-06-15T11:00+02:00", "2026-06-15T11:00+02:00", 0],
    ["half a minute", "2026-06-15T09:00+02:00", "2026-06-15T09:00:30+02:00", 0.5],
  ])("businessMinutesBetween %s", (_name, from, to, minutes) => {
    expect(schedule.businessMinutesBetween(instant(from), instant(to))).toBe(minutes);
  });

  it.each([
    ["in open time: itself", "2026-06-15T10:17+02:00", "2026-06-15T10:17+02:00"],
    ["Friday after the close: Monday", "2026-06-12T18:00+02:00", "2026-06-15T09:00+02:00"],
    ["Sunday night: Monday", "2026-06-14T23:59+02:00", "2026-06-15T09:00+02:00"],
  ])("nextOpen %s", (_name, at, expected) => {
    expect(schedule.nextOpen(instant(at)).toISOString()).toBe(iso(expected));
  });
});

describe("midnight", () => {
  /** Monday evening runs into Tuesday night; Wednesday ends at midnight with nothing after it. */
  const nights = createSchedule({
    id: "nights",
    timeZone: "Europe/Berlin",
    hours: { mon: ["18:00-24:00"], tue: ["00:00-02:00"], wed: ["22:00-24:00"] },
  });

  it("counts an interval ending 24:00 and one starting 00:00 the next day as continuous", () => {
    const monday2300 = instant("2026-06-15T23:00+02:00");
    expect(nights.addBusinessMinutes(monday2300, 90).toISOString()).toBe(iso("2026-06-16T00:30+02:00"));
    expect(nights.businessMinutesBetween(monday2300, instant("2026-06-16T01:00+02:00"))).toBe(120);
    expect(nights.isOpen(instant("2026-06-16T00:00+02:00"))).toBe(true);
    expect(nights.nextOpen(instant("2026-06-16T00:00+02:00")).toISOString()).toBe(iso("2026-06-16T00:00+02:00"));
    // Filling Monday exactly ends at midnight, which is Tuesday's first open instant as well.
    expect(nights.addBusinessMinutes(monday2300, 60).toISOString()).toBe(iso("2026-06-16T00:00+02:00"));
  });

  it("closes at 24:00 when the next day does not open at 00:00", () => {
    const wednesday2330 = instant("2026-06-17T23:30+02:00");
    expect(nights.addBusinessMinutes(wednesday2330, 30).toISOString()).toBe(iso("2026-06-18T00:00+02:00"));
    expect(nights.isOpen(instant("2026-06-18T00:00+02:00"))).toBe(false);
    expect(nights.addBusinessMinutes(wednesday2330, 31).toISOString()).toBe(iso("2026-06-22T18:01+02:00"));
  });
});

describe("date overrides", () => {
  const december = createSchedule({
    ...office,
    holidayRegions: ["DE-BE"],
    overrides: {
      "2026-12-24": ["09:00-12:00"],
      "2026-12-25": ["10:00-12:00"],
      "2026-12-27": ["10:00-14:00"],
      "2026-12-31": [],
    },
  });

  it.each([
    ["a short day: open in its morning", "2026-12-24T11:00+01:00", true],
    ["a short day: closed in its afternoon", "2026-12-24T15:00+01:00", false],
    ["a public holiday opened by an override", "2026-12-25T11:00+01:00", true],
    ["a public holiday outside the override's hours", "2026-12-25T13:00+01:00", false],
    ["a Sunday opened by an override", "2026-12-27T13:59+01:00", true],
    ["a weekday closed by []", "2026-12-31T10:00+01:00", false],
    ["the next day, back to the weekly hours", "2027-01-04T10:00+01:00", true],
  ])("isOpen on %s", (_name, at, open) => {
    expect(december.isOpen(instant(at))).toBe(open);
  });

  it("walks through overrides, the holiday left (26 December) and the weekly hours", () => {
    // 24th 11–12 (60), 25th 10–12 (120), 26th Saturday holiday, 27th 10–14 (240), 28th from 09:00.
    const from = instant("2026-12-24T11:00+01:00");
    expect(december.addBusinessMinutes(from, 60 + 120 + 240 + 15).toISOString()).toBe(iso("2026-12-28T09:15+01:00"));
    // The 31st is closed by its override, 1 January 2027 (a Friday) is New Year in DE-BE.
    expect(december.nextOpen(instant("2026-12-30T17:00+01:00")).toISOString()).toBe(iso("2027-01-04T09:00+01:00"));
  });
});

describe("businessMinutesBetween is the inverse of addBusinessMinutes", () => {
  const schedule = createSchedule({ ...office, holidayRegions: ["DE-BE"] });
  /** A fixed linear congruential sequence: the same sample on every run, spread over a year with both DST changes. */
  const sample = (count: number) => {
    let seed = 20260101;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    return Array.from({ length: count }, () => ({
      from: new Date(Date.parse("2026-01-01T00:00:00Z") + Math.floor(next() * 365 * 1440) * 60_000),
      minutes: Math.floor(next() * 30 * 420),
    }));
  };

  it("on 200 sampled starts and amounts", () => {
    const mismatches = sample(200).flatMap(({ from, minutes }) => {
      const due = schedule.addBusinessMinutes(from, minutes);
      // Counting back from any later instant: adding what lies between never passes it.
      const later = new Date(due.getTime() + 7 * 3_600_000);
      const between = schedule.businessMinutesBetween(from, later);
      const ok =
        schedule.businessMinutesBetween(from, due) === minutes &&
        between >= minutes &&
        schedule.addBusinessMinutes(from, between).getTime() <= later.getTime();
      return ok ? [] : [{ from: from.toISOString(), minutes, due: due.toISOString() }];
    });
    expect(mismatches).toStrictEqual([]);
  });
});

describe("the per-schedule memo of days changes no answer", () => {
  const berlin = { ...office, holidayRegions: ["DE-BE"] };

  it("gives a warm schedule's answers in any order, as fresh schedules give them", () => {
    const warm = createSchedule(berlin);
    const starts = [
      "2026-10-25T01:30+02:00",
      "2026-03-27T16:00+01:00",
      "2026-12-24T16:59+01:00",
      "2026-06-13T00:00+02:00",
    ];
    for (const start of [...starts, ...starts.reverse()]) {
      const from = instant(start);
      const fresh = createSchedule(berlin);
      expect(warm.addBusinessMinutes(from, 1000).toISOString()).toBe(
        fresh.addBusinessMinutes(from, 1000).toISOString(),
      );
      expect(warm.isOpen(from)).toBe(createSchedule(berlin).isOpen(from));
    }
  });

  it("walks further than it remembers (14 years) and still sums the years", () => {
    const years = Array.from({ length: 15 }, (_, index) => new Date(Date.UTC(2026 + index, 0, 1)));
    const perYear = years
      .slice(1)
      .map((end, index) => createSchedule(berlin).businessMinutesBetween(years[index] ?? end, end));
    const total = createSchedule(berlin).businessMinutesBetween(years[0] ?? new Date(), years[14] ?? new Date());
    expect(total).toBe(perYear.reduce((sum, minutes) => sum + minutes, 0));
    // 2026 has 261 weekdays; 7 DE-BE public holidays fall on them (1 Jan, 3 and 6 Apr, 1 and 14 and 25 May,
    // 25 Dec; 8 Mar, 3 Oct and 26 Dec are weekend days): 254 days of 7 hours.
    expect(perYear[0]).toBe(254 * 420);
    // Any year: 260–262 weekdays, less 5–10 weekday holidays.
    expect(perYear.filter((minutes) => minutes < 250 * 420 || minutes > 257 * 420)).toStrictEqual([]);
  });
});

describe("calendar time behind the same interface", () => {
  /** What SLA code will do: one function, either kind of time. */
  const dueAt = (time: Schedule, from: Date, minutes: number) => time.addBusinessMinutes(from, minutes).toISOString();
  const saturday = instant("2026-06-13T10:00+02:00");

  it("counts every minute, weekends included", () => {
    const time = calendarTime();
    expect(time.kind).toBe("calendar");
    expect(dueAt(time, saturday, 90)).toBe(iso("2026-06-13T11:30+02:00"));
    expect(time.businessMinutesBetween(saturday, instant("2026-06-14T10:00+02:00"))).toBe(1440);
    expect(time.businessMinutesBetween(saturday, instant("2026-06-12T10:00+02:00"))).toBe(0);
    expect(time.isOpen(saturday)).toBe(true);
    expect(time.nextOpen(saturday).toISOString()).toBe(saturday.toISOString());
  });

  it("and business time counts only open minutes", () => {
    expect(dueAt(createSchedule(office), saturday, 90)).toBe(iso("2026-06-15T10:30+02:00"));
  });
});

describe("arguments and limits", () => {
  const schedule = createSchedule(office);

  it.each([
    [
      "negative minutes",
      () => schedule.addBusinessMinutes(new Date(), -1),
      "minutes must be a finite number ≥ 0, got -1",
    ],
    [
      "NaN minutes",
      () => calendarTime().addBusinessMinutes(new Date(), Number.NaN),
      "minutes must be a finite number ≥ 0, got NaN",
    ],
    ["an invalid Date", () => schedule.isOpen(new Date("nope")), "at is an invalid Date"],
    ["an invalid to", () => schedule.businessMinutesBetween(new Date(), new Date("nope")), "to is an invalid Date"],
  ])("refuses %s with a RangeError", (_name, call, message) => {
    expect(call).toThrow(new RangeError(message));
  });

  it("refuses a calendar the schema refuses", () => {
    expect(() => createSchedule({ ...office, hours: { mon: ["17:00-09:00"] } })).toThrow(ZodError);
  });

  it("gives up with a clear error when overrides close more than three years in a row", () => {
    const mondays = Array.from({ length: 4 * 53 }, (_, week) =>
      new Date(Date.parse("2026-06-15T00:00:00Z") + week * 7 * 86_400_000).toISOString().slice(0, 10),
    );
    const closed = createSchedule({
      id: "closed",
      timeZone: "Europe/Berlin",
      hours: { mon: ["09:00-17:00"] },
      overrides: Object.fromEntries(mondays.map((date) => [date, []])),
    });
    expect(() => closed.nextOpen(instant("2026-06-15T08:00+02:00"))).toThrow(
      'calendar "closed": closed on every day from 2026-06-15 to 2029-06-16 (1098 days in a row); check its holidays and overrides',
    );
  });

  it("gives up with a RangeError when the answer lies more than a century ahead", () => {
    const from = instant("2026-06-15T09:00+02:00");
    expect(() => schedule.addBusinessMinutes(from, 1e9)).toThrow(
      new RangeError('calendar "office": the answer lies more than 36600 days after 2026-06-15T07:00:00.000Z'),
    );
  });

  it("returns a frozen object", () => {
    expect(Object.isFrozen(schedule)).toBe(true);
    expect(Object.isFrozen(calendarTime())).toBe(true);
    expect(schedule).toMatchObject({ kind: "business", calendarId: "office" });
  });
});
