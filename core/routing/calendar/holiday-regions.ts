import Holidays from "date-holidays";

/**
 * The thin wrapper around `date-holidays`: the rest of the module sees region codes and sets of local dates, never
 * the library's objects.
 *
 * @see https://github.com/commenthol/date-holidays#usage
 */

const CODE_TEXT = /^[A-Za-z]{2}(-[A-Za-z0-9]+){0,2}$/;

/**
 * Why `code` (`DE`, `DE-BE`, `US-LA-NO`) names no region date-holidays knows, or null when it does. Needed because
 * date-holidays silently falls back to the country for an unknown state ("US-ZZ" gives the holidays of "US").
 */
export function regionProblem(code: string): string | null {
  if (!CODE_TEXT.test(code)) return `"${code}" is not a region code: write COUNTRY[-STATE[-REGION]], e.g. "DE-BE"`;
  if (code !== code.toUpperCase()) return `write region codes in capitals: "${code.toUpperCase()}"`;
  const [country = "", state, region] = code.split("-");
  const lookup = new Holidays();
  if (!Object.hasOwn(lookup.getCountries(), country))
    return `date-holidays knows no country "${country}" (ISO 3166, e.g. DE, US)`;
  if (state === undefined) return null;
  const states = lookup.getStates(country) ?? {};
  if (!Object.hasOwn(states, state)) return `${country} has no state "${state}" in date-holidays; ${listed(states)}`;
  if (region === undefined) return null;
  const regions = lookup.getRegions(country, state) ?? {};
  if (!Object.hasOwn(regions, region))
    return `${country}-${state} has no region "${region}" in date-holidays; ${listed(regions)}`;
  return null;
}

function listed(codes: Record<string, string>): string {
  const keys = Object.keys(codes);
  return keys.length === 0 ? "it lists none" : `it lists ${keys.join(", ")}`;
}

/** Whether a local date (`YYYY-MM-DD`) is a public holiday in any of the regions. */
export type HolidayTest = (isoDate: string) => boolean;

/**
 * One date-holidays instance per region and per caller (the library keeps its rules on the instance), and each
 * year computed once: date-holidays evaluates its rules on every call, far too slow for every day a schedule walks.
 * The memo is private to the returned function and only ever caches what date-holidays answers for that year.
 * A date is looked up in its own year and the year before, since a holiday of several days can start in December.
 */
export function publicHolidays(codes: readonly string[]): HolidayTest {
  const regions = codes.map((code) => new Holidays(code));
  const years = new Map<number, ReadonlySet<string>>();
  const datesOf = (year: number): ReadonlySet<string> => {
    let dates = years.get(year);
    if (dates === undefined) {
      dates = new Set(regions.flatMap((region) => yearDates(region, year)));
      years.set(year, dates);
    }
    return dates;
  };
  if (regions.length === 0) return () => false;
  return (isoDate) => {
    const year = Number(isoDate.slice(0, 4));
    return datesOf(year).has(isoDate) || datesOf(year - 1).has(isoDate);
  };
}

const DAY_MS = 86_400_000;

/**
 * Only `public` holidays close a calendar: `bank`, `school`, `optional` and `observance` days are ordinary working
 * days for a support desk. The `date` text is the holiday's local date in the region; a holiday of several days
 * (end − start) closes each of them. A public holiday that starts at noon still closes the whole date.
 */
function yearDates(region: Holidays, year: number): string[] {
  return region
    .getHolidays(year)
    .filter((holiday) => holiday.type === "public")
    .flatMap((holiday) => {
      const first = holiday.date.slice(0, 10);
      const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      return Array.from({ length: days }, (_, offset) => plusDays(first, offset));
    });
}

function plusDays(isoDate: string, days: number): string {
  if (days === 0) return isoDate;
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
