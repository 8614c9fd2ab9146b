import { z } from "zod";

import { describeIssues } from "../../kernel/config/describe-issue";
import { calendarSchema } from "./calendar.schema";

const valid = {
  id: "berlin-office",
  timeZone: "Europe/Berlin",
  hours: { mon: ["09:00-12:30", "13:30-17:00"], fri: ["09:00-15:00"] },
};

/** The issues of a calendar as `path: message` lines, so a table row reads like the error an admin sees. */
function problems(calendar: unknown): string[] {
  const result = calendarSchema.safeParse(calendar);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("calendarSchema", () => {
  it("accepts a calendar and fills in the optional lists", () => {
    expect(calendarSchema.parse(valid)).toStrictEqual({
      ...valid,
      holidays: [],
      holidayRegions: [],
      overrides: {},
    });
  });

  it("accepts touching intervals, 24:00 as an end, regions, holidays and a closed override", () => {
    const calendar = {
      ...valid,
      hours: { mon: ["12:00-24:00", "00:00-12:00"], sun: ["00:00-00:30"] },
      holidays: ["2026-12-24"],
      holidayRegions: ["DE-BE", "US-NY", "US-LA-NO", "GB"],
      overrides: { "2026-12-31": [], "2026-12-27": ["10:00-14:00"] },
    };
    expect(problems(calendar)).toStrictEqual([]);
  });

  it.each([
    [
      "an interval that ends before it starts",
      { hours: { mon: ["17:00-09:00"] } },
      [
        'hours.mon.0: "17:00-09:00" ends before it starts; an interval cannot cross midnight: ' +
          'write "17:00-24:00" on this day and "00:00-09:00" on the next',
        "hours: the week has no open interval: give at least one weekday hours (a calendar that is never open " +
          "would put every business-time due date out of reach); for round-the-clock time use calendar time",
      ],
    ],
    [
      "an empty interval",
      { hours: { ...valid.hours, tue: ["09:00-09:00"] } },
      ['hours.tue.0: "09:00-09:00" is empty: it ends when it starts'],
    ],
    [
      "overlapping intervals, written out of order",
      { hours: { ...valid.hours, wed: ["13:00-17:00", "09:00-12:00", "11:30-13:30"] } },
      [
        'hours.wed.2: "11:30-13:30" overlaps "09:00-12:00" (entry 1): intervals of one day must not overlap; ' +
          'touching is fine ("09:00-12:00", "12:00-13:00")',
        'hours.wed.0: "13:00-17:00" overlaps "11:30-13:30" (entry 2): intervals of one day must not overlap; ' +
          'touching is fine ("09:00-12:00", "12:00-13:00")',
      ],
    ],
    [
      "an interval inside another",
      { hours: { ...valid.hours, thu: ["08:00-18:00", "12:00-13:00"] } },
      [
        'hours.thu.1: "12:00-13:00" overlaps "08:00-18:00" (entry 0): intervals of one day must not overlap; ' +
          'touching is fine ("09:00-12:00", "12:00-13:00")',
      ],
    ],
    [
      "time text that is no interval",
      { hours: { ...valid.hours, tue: ["9-17", "09:00 - 17:00"] } },
      [
        'hours.tue.0: "9-17" is not an interval: write HH:MM-HH:MM, e.g. "09:00-17:00"',
        'hours.tue.1: "09:00 - 17:00" is not an interval: write HH:MM-HH:MM, e.g. "09:00-17:00"',
      ],
    ],
    [
      "times of day that do not exist",
      { hours: { ...valid.hours, tue: ["24:00-24:00"], wed: ["09:60-10:00"], thu: ["09:00-24:30"] } },
      [
        'hours.tue.0: "24:00-24:00" starts at no time of day: use 00:00 to 23:59 (24:00 may only end an interval)',
        'hours.wed.0: "09:60-10:00" starts at no time of day: use 00:00 to 23:59 (24:00 may only end an interval)',
        'hours.thu.0: "09:00-24:30" ends at no time of day: use 00:01 to 24:00',
      ],
    ],
    [
      "a week with no open interval",
      { hours: { sat: [], sun: [] }, overrides: { "2026-12-27": ["10:00-14:00"] } },
      [
        "hours: the week has no open interval: give at least one weekday hours (a calendar that is never open " +
          "would put every business-time due date out of reach); for round-the-clock time use calendar time",
      ],
    ],
    [
      "a time zone that is not an IANA name",
      { timeZone: "CEST" },
      [
        'timeZone: "CEST" is not an IANA time zone: use a name like "Europe/Berlin" or "America/New_York" ' +
          "(https://en.wikipedia.org/wiki/List_of_tz_database_time_zones), not an abbreviation or an offset",
      ],
    ],
    ["an id that is no slug", { id: "Berlin Office" }, ["id: use lower-case letters, digits and dashes"]],
    [
      "holiday dates that are not dates",
      { holidays: ["24.12.2026", "2026-02-30"] },
      [
        'holidays.0: "24.12.2026" is not a date: write YYYY-MM-DD, e.g. "2026-12-24"',
        'holidays.1: "2026-02-30" is not a day of the calendar',
      ],
    ],
    [
      "holiday regions date-holidays does not know",
      { holidayRegions: ["XX", "DE-XX", "de-be", "US-LA-XX", "Germany"] },
      [
        'holidayRegions.0: date-holidays knows no country "XX" (ISO 3166, e.g. DE, US)',
        'holidayRegions.1: DE has no state "XX" in date-holidays; it lists ' +
          "BB, BE, BW, BY, HB, HE, HH, MV, NI, NW, RP, SH, SL, SN, ST, TH",
        'holidayRegions.2: write region codes in capitals: "DE-BE"',
        'holidayRegions.3: US-LA has no region "XX" in date-holidays; it lists NO',
        'holidayRegions.4: "Germany" is not a region code: write COUNTRY[-STATE[-REGION]], e.g. "DE-BE"',
      ],
    ],
    [
      "overrides with a bad date, a bad interval, and one on a listed holiday",
      { holidays: ["2026-12-24"], overrides: { "2026-12-24": ["09:00-12:00"], "12/31": [], "2026-12-31": ["9-12"] } },
      [
        'overrides.2026-12-31.0: "9-12" is not an interval: write HH:MM-HH:MM, e.g. "09:00-17:00"',
        "overrides.2026-12-24: 2026-12-24 is both a holiday and an override: keep one (an override of [] closes " +
          "the day too)",
        'overrides.12/31: "12/31" is not a date: write YYYY-MM-DD, e.g. "2026-12-24"',
      ],
    ],
    ["a misspelt weekday", { hours: { ...valid.hours, thurs: ["09:00-17:00"] } }, ['hours: Unrecognized key: "thurs"']],
  ])("refuses %s, naming the entry", (_name, change, expected) => {
    expect(problems({ ...valid, ...change })).toStrictEqual(expected);
  });

  it("reports a misspelt key through the config loader's words, with a did-you-mean", () => {
    // As the calendar will sit in the config: an entry of a list under a section.
    const config = z.strictObject({ calendars: z.array(calendarSchema) });
    const data = { calendars: [{ ...valid, holiday: ["2026-12-24"] }] };
    const result = config.safeParse(data);
    expect(result.success).toBe(false);
    const described = describeIssues(result.error?.issues ?? [], data, config);
    expect(described.map(({ path, message, hint }) => ({ path, message, hint }))).toStrictEqual([
      { path: ["calendars", 0, "holiday"], message: 'unknown key "holiday"', hint: 'did you mean "holidays"?' },
    ]);
  });
});
