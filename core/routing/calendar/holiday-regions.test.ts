import { publicHolidays, regionProblem } from "./holiday-regions";

/** Dates as date-holidays 3.37 lists them (checked against its `getHolidays`), written out by hand. */
describe("publicHolidays", () => {
  it.each([
    // Berlin: public holidays close, "bank" and "observance" days do not.
    ["DE-BE", "2026-12-25", true],
    ["DE-BE", "2026-12-26", true],
    ["DE-BE", "2026-12-24", false],
    ["DE-BE", "2026-11-01", false],
    ["DE-BE", "2026-03-08", true],
    ["DE-BY", "2026-03-08", false],
    ["US-NY", "2026-07-03", true],
    ["US-NY", "2026-07-04", true],
    ["US-NY", "2026-02-12", true],
    ["US", "2026-02-12", false],
    // Eid al-Fitr in the United Arab Emirates: three days from 20 March (date-holidays starts it the evening
    // before; the evening stays open, each of the three dates closes).
    ["AE", "2026-03-19", false],
    ["AE", "2026-03-22", true],
    ["AE", "2026-03-23", false],
    // Incwala in Eswatini: six days from 28 December, so into the next year.
    ["SZ", "2027-01-02", true],
    ["SZ", "2027-01-03", false],
  ])("%s: %s is a public holiday: %s", (region, date, expected) => {
    expect(publicHolidays([region])(date)).toBe(expected);
  });

  it("joins several regions and answers false without any", () => {
    const either = publicHolidays(["DE-BE", "US-NY"]);
    expect([either("2026-03-08"), either("2026-07-03"), either("2026-07-02")]).toStrictEqual([true, true, false]);
    expect(publicHolidays([])("2026-12-25")).toBe(false);
  });
});

describe("regionProblem", () => {
  it.each(["DE", "DE-BE", "US-NY", "US-LA-NO", "DE-BY-A"])("accepts %s", (code) => {
    expect(regionProblem(code)).toBeNull();
  });
});
