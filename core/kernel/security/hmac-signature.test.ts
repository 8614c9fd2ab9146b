import { isTimestampFresh, signHmac, verifyHmac } from "./hmac-signature";

describe("verifyHmac with vendors' published vectors", () => {
  it("accepts Twilio's vector (HMAC-SHA1, base64, URL + sorted params)", () => {
    const params: Record<string, string> = {
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675309",
      Digits: "1234",
      From: "+14158675309",
      To: "+18005551212",
    };
    const signedPayload =
      "https://mycompany.com/myapp.php?foo=1&bar=2" +
      Object.keys(params)
        .sort()
        .map((key) => key + params[key])
        .join("");
    const verdict = verifyHmac({
      secret: "12345",
      algorithm: "sha1",
      encoding: "base64",
      signedPayload,
      signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
    });
    expect(verdict).toStrictEqual({ valid: true });
  });

  it("accepts Slack's vector (v0= prefix, HMAC-SHA256 hex of v0:timestamp:body)", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const verdict = verifyHmac({
      secret: "8f742231b10e8888abcd99yyyzzz85a5",
      algorithm: "sha256",
      encoding: "hex",
      prefix: "v0=",
      signedPayload: `v0:1531420618:${body}`,
      signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    });
    expect(verdict).toStrictEqual({ valid: true });
  });
});

describe("verifyHmac refusals", () => {
  const base = { secret: "a-long-enough-secret", algorithm: "sha256", encoding: "hex", prefix: "sha256=" } as const;
  const good = `sha256=${signHmac(base.secret, "sha256", "hex", "{}")}`;

  it.each([
    ["missing signature", { signature: undefined, signedPayload: "{}" }, "missing-signature"],
    ["empty signature", { signature: "", signedPayload: "{}" }, "missing-signature"],
    ["missing prefix", { signature: good.slice(7), signedPayload: "{}" }, "malformed-signature"],
    ["non-hex digest", { signature: "sha256=zz", signedPayload: "{}" }, "malformed-signature"],
    ["tampered body", { signature: good, signedPayload: "{ }" }, "mismatch"],
    ["truncated digest", { signature: good.slice(0, -2), signedPayload: "{}" }, "mismatch"],
  ] as const)("%s", (_name, input, reason) => {
    expect(verifyHmac({ ...base, ...input })).toStrictEqual({ valid: false, reason });
  });

  it("refuses when no secret is configured", () => {
    expect(verifyHmac({ ...base, secret: "", signature: good, signedPayload: "{}" })).toStrictEqual({
      valid: false,
      reason: "missing-secret",
    });
  });

  it("accepts the right signature", () => {
    expect(verifyHmac({ ...base, signature: good, signedPayload: "{}" })).toStrictEqual({ valid: true });
  });
});

describe("isTimestampFresh", () => {
  const now = 1_700_000_000_000;
  it.each([
    ["now", "1700000000", true],
    ["at the tolerance", "1699999700", true],
    ["just past it", "1699999699", false],
    ["in the future beyond skew", "1700000301", false],
    ["not a number", "yesterday", false],
    ["missing", undefined, false],
  ] as const)("%s", (_name, timestamp, fresh) => {
    expect(isTimestampFresh(timestamp, 300, now)).toBe(fresh);
  });
});
