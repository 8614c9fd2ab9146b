/**
 * A Twilio webhook body (`application/x-www-form-urlencoded`) as name → values. Twilio sends each parameter once,
 * but a repeated name is kept whole: the signature covers every value, so dropping one would let a forged copy
 * through unchecked.
 */
export type TwilioParams = Record<string, string | string[]>;

export function parseTwilioForm(rawBody: string): TwilioParams {
  const params: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(rawBody)) {
    const seen = params[name];
    if (seen === undefined) params[name] = value;
    else params[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

/** The parameter's value, or undefined when absent or blank (Twilio sends empty fields, e.g. `Body=`). */
export function param(params: TwilioParams, name: string): string | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === "" ? undefined : first;
}
