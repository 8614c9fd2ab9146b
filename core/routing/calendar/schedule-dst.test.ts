import { Settings } from "luxon";

import type { CalendarInput } from "./calendar.schema";
import { calendarTime, createSchedule } from "./schedule";

/**
 * Expected instants are written by hand as local times with their offset (CET +01:00, CEST +02:00, EST -05:00,
 * EDT -04:00), so each row says which side of the change it is on. 2026 changes: Europe 29 March and 25 October,
 * United States 8 March and 1 November; all on Sundays.
 */
const instant = (iso: string) => new Date(iso);
const iso = (text: string) => new Date(text).toISOString();

const berlinOffice: CalendarInput = {
  id: "berlin-office",
  timeZone: "Europe/Berlin",
  hours: {
    mon: ["09:00-12:30", "13:30-17:00"],
    tue: ["09:00-12:30", "13:30-17:00"],
    wed: ["09:00-12:30", "13:30-17:00"],
    thu: ["09:00-12:30", "13:30-17:00"],
    fri: ["09:00-12:30", "13:30-17:00"],
  },
};

const newYorkOffice: CalendarInput = {
  id: "new-york-office",
  timeZone: "America/New_York",
  hours: {
    mon: ["09:00-18:00"],
    tue: ["09:00-18:00"],
    wed: ["09:00-18:00"],
    thu: ["09:00-18:00"],
    fri: ["09:00-18:00"],
  },
};

/** Sunday-night shifts whose one interval holds the change itself. */
const berlinNight: CalendarInput = { id: "berlin-night", timeZone: "Europe/Berlin", hours: { sun: ["01:00-04:00"] } };
const newYorkNight: CalendarInput = { id: "ny-night", timeZone: "America/New_York", hours: { sun: ["00:00-06:00"] } };

describe("an interval that spans the DST change counts the real minutes, not the wall-clock ones", () => {
  it.each([
    // 01:00 CET → 04:00 CEST: 3 wall-clock hours, 2 real ones.
    ["Berlin spring forward", berlinNight, "2026-03-29T01:00+01:00", "2026-03-29T04:00+02:00", 120],
    // 01:00 CEST → 04:00 CET: 02:00–03:00 happens twice.
    ["Berlin fall back", berlinNight, "2026-10-25T01:00+02:00", "2026-10-25T04:00+01:00", 240],
    // 00:00 EST → 06:00 EDT: 6 wall-clock hours, 5 real ones.
    ["New York spring forward", newYorkNight, "2026-03-08T00:00-05:00", "2026-03-08T06:00-04:00", 300],
    // 00:00 EDT → 06:00 EST: 01:00–02:00 happens twice.
    ["New York fall back", newYorkNight, "2026-11-01T00:00-04:00", "2026-11-01T06:00-05:00", 420],
  ] as const)("%s", (_name, calendar, opens, closes, minutes) => {
    const schedule = createSchedule(calendar);
    const dayBefore = new Date(instant(opens).getTime() - 86_400_000);
    const dayAfter = new Date(instant(closes).getTime() + 86_400_000);
    expect(schedule.businessMinutesBetween(dayBefore, dayAfter)).toBe(minutes);
    expect(schedule.nextOpen(dayBefore).toISOString()).toBe(iso(opens));
    expect(schedule.addBusinessMinutes(dayBefore, minutes).toISOString()).toBe(iso(closes));
    expect(schedule.isOpen(instant(closes))).toBe(false);
    expect(schedule.isOpen(new Date(instant(closes).getTime() - 1))).toBe(true);
  });

  it.each([
    // 60 real minutes after 01:00 CET is 02:00 CET, which the wall shows as 03:00 CEST.
    ["Berlin, spring", berlinNight, "2026-03-29T01:00+01:00", 60, "2026-03-29T03:00+02:00"],
    // 90 minutes after 01:00 CEST is the first 02:30 (CEST); 150 minutes is the second 02:30 (CET).
    ["Berlin, fall, first 02:30", berlinNight, "2026-10-25T01:00+02:00", 90, "2026-10-25T02:30+02:00"],
    ["Berlin, fall, second 02:30", berlinNight, "2026-10-25T01:00+02:00", 150, "2026-10-25T02:30+01:00"],
    ["New York, spring", newYorkNight, "2026-03-08T00:00-05:00", 180, "2026-03-08T04:00-04:00"],
    ["New York, fall, second 01:00", newYorkNight, "2026-11-01T00:00-04:00", 120, "2026-11-01T01:00-05:00"],
  ] as const)(
    "%s: adds minutes inside the interval that holds the change",
    (_name, calendar, from, minutes, expected) => {
      expect(createSchedule(calendar).addBusinessMinutes(instant(from), minutes).toISOString()).toBe(iso(expected));
    },
  );
});

describe("wall-clock times the change skips or repeats", () => {
  afterEach(() => {
    Settings.now = () => Date.now();
  });

  it("reads an end inside the spring-forward gap with the offset before the change", () => {
    // 02:30 does not exist in Berlin on 29 March 2026; it is read as 02:30 CET, shown as 03:30 CEST.
    const schedule = createSchedule({ id: "gap", timeZone: "Europe/Berlin", hours: { sun: ["00:00-02:30"] } });
    const saturday = instant("2026-03-28T12:00+01:00");
    expect(schedule.addBusinessMinutes(saturday, 150).toISOString()).toBe(iso("2026-03-29T03:30+02:00"));
    expect(schedule.businessMinutesBetween(saturday, instant("2026-03-30T00:00+02:00"))).toBe(150);
  });

  it.each([
    // 02:30 happens twice in Berlin on 25 October 2026: the first one (CEST) counts.
    [
      "Berlin, starting at 02:30",
      "Europe/Berlin",
      "02:30-03:30",
      "2026-10-25T02:30+02:00",
      "2026-10-25T03:30+01:00",
      120,
    ],
    ["Berlin, ending at 02:30", "Europe/Berlin", "01:00-02:30", "2026-10-25T01:00+02:00", "2026-10-25T02:30+02:00", 90],
    [
      "New York, starting at 01:30",
      "America/New_York",
      "01:30-03:00",
      "2026-11-01T01:30-04:00",
      "2026-11-01T03:00-05:00",
      150,
    ],
  ])("%s on the fall-back day takes the earlier instant", (_name, timeZone, interval, opens, closes, minutes) => {
    const schedule = createSchedule({ id: "repeat", timeZone, hours: { sun: [interval] } });
    const dayBefore = new Date(instant(opens).getTime() - 86_400_000);
    expect(schedule.nextOpen(dayBefore).toISOString()).toBe(iso(opens));
    expect(schedule.addBusinessMinutes(dayBefore, minutes).toISOString()).toBe(iso(closes));
  });

  it.each(["2026-01-15T12:00:00Z", "2026-07-15T12:00:00Z"])(
    "gives the same instants whatever the date the process runs on (luxon's clock at %s)",
    (now) => {
      // luxon's DateTime.fromObject would resolve a repeated time with a guess from the zone's offset "now".
      Settings.now = () => Date.parse(now);
      const schedule = createSchedule({ id: "repeat", timeZone: "Europe/Berlin", hours: { sun: ["02:30-03:30"] } });
      expect(schedule.nextOpen(instant("2026-10-24T12:00+02:00")).toISOString()).toBe(iso("2026-10-25T02:30+02:00"));
    },
  );
});

describe("business minutes across a weekend with a DST change", () => {
  it.each([
    // Friday 16:00–17:00 and Monday 09:00–10:00; the change on Sunday moves Monday's opening by an hour in UTC.
    ["Berlin spring", berlinOffice, "2026-03-27T16:00+01:00", "2026-03-30T10:00+02:00", 120, 3900],
    ["Berlin fall", berlinOffice, "2026-10-23T16:00+02:00", "2026-10-26T10:00+01:00", 120, 4020],
    // Friday 12:00–18:00 (360) and Monday 09:00–12:00 (180).
    ["New York spring", newYorkOffice, "2026-03-06T12:00-05:00", "2026-03-09T12:00-04:00", 540, 4260],
    ["New York fall", newYorkOffice, "2026-10-30T12:00-04:00", "2026-11-02T12:00-05:00", 540, 4380],
  ] as const)("%s", (_name, calendar, from, to, businessMinutes, realMinutes) => {
    const schedule = createSchedule(calendar);
    expect(schedule.businessMinutesBetween(instant(from), instant(to))).toBe(businessMinutes);
    expect(schedule.addBusinessMinutes(instant(from), businessMinutes).toISOString()).toBe(iso(to));
    // Calendar time counts what really passed: the weekend of the change is an hour shorter or longer.
    expect(calendarTime().businessMinutesBetween(instant(from), instant(to))).toBe(realMinutes);
  });

  it.each([
    ["Berlin, spring", berlinOffice, "2026-03-27T16:30+01:00", 60, "2026-03-30T09:30+02:00"],
    ["Berlin, fall", berlinOffice, "2026-10-23T16:30+02:00", 60, "2026-10-26T09:30+01:00"],
    ["New York, spring", newYorkOffice, "2026-03-06T17:00-05:00", 120, "2026-03-09T10:00-04:00"],
    ["New York, fall", newYorkOffice, "2026-10-30T17:00-04:00", 120, "2026-11-02T10:00-05:00"],
  ] as const)("%s: lands on Monday at the opening's new offset", (_name, calendar, from, minutes, expected) => {
    expect(createSchedule(calendar).addBusinessMinutes(instant(from), minutes).toISOString()).toBe(iso(expected));
  });
});

describe("holidays", () => {
  const berlinWithRegion = { ...berlinOffice, holidayRegions: ["DE-BE"] };
  const newYorkWithRegion = { ...newYorkOffice, holidayRegions: ["US-NY"] };
  const berlinWithDates = { ...berlinOffice, holidays: ["2026-06-12"] };
  const berlinBavaria = { ...berlinOffice, holidayRegions: ["DE-BY"] };

  it.each([
    // From the date list: Friday 12 June is closed, so Thursday's last hour and Monday's first.
    ["a listed date", berlinWithDates, "2026-06-11T16:00+02:00", 120, "2026-06-15T10:00+02:00"],
    // DE-BE: 25 and 26 December are public holidays (Friday, Saturday). 24 December is only a "bank" holiday
    // from 14:00 in date-holidays, so it stays a working day to 17:00.
    ["Christmas in DE-BE", berlinWithRegion, "2026-12-24T16:00+01:00", 120, "2026-12-28T10:00+01:00"],
    // date-holidays 3.37 lists 2026-07-03 as "Independence Day (substitute day)", public, since 4 July is a Saturday.
    ["Independence Day observed in US-NY", newYorkWithRegion, "2026-07-02T17:00-04:00", 120, "2026-07-06T10:00-04:00"],
  ] as const)("%s is closed all day", (_name, calendar, from, minutes, expected) => {
    const schedule = createSchedule(calendar);
    expect(schedule.addBusinessMinutes(instant(from), minutes).toISOString()).toBe(iso(expected));
    expect(schedule.businessMinutesBetween(instant(from), instant(expected))).toBe(minutes);
  });

  it.each([
    ["the listed date", berlinWithDates, "2026-06-12T10:00+02:00", false],
    ["Christmas Day in DE-BE", berlinWithRegion, "2026-12-25T10:00+01:00", false],
    ["Christmas Eve afternoon in DE-BE (a bank holiday)", berlinWithRegion, "2026-12-24T15:00+01:00", true],
    ["a Monday after Women's Day on a Sunday", berlinWithRegion, "2026-03-09T10:00+01:00", true],
    // International Women's Day is a public holiday in Berlin only; in 2027 it falls on a Monday.
    ["Women's Day 2027 in DE-BE", berlinWithRegion, "2027-03-08T10:00+01:00", false],
    ["Women's Day 2027 in DE-BY", berlinBavaria, "2027-03-08T10:00+01:00", true],
    ["3 July 2026 in US-NY", newYorkWithRegion, "2026-07-03T10:00-04:00", false],
    ["3 July 2026 without a region", newYorkOffice, "2026-07-03T10:00-04:00", true],
  ] as const)("isOpen on %s", (_name, calendar, at, open) => {
    expect(createSchedule(calendar).isOpen(instant(at))).toBe(open);
  });

  it("nextOpen skips a run of holidays and the weekend", () => {
    const schedule = createSchedule(berlinWithRegion);
    expect(schedule.nextOpen(instant("2026-12-24T17:00+01:00")).toISOString()).toBe(iso("2026-12-28T09:00+01:00"));
  });
});
