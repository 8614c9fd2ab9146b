import { mrkdwnToPlain } from "./mrkdwn";

/** Slack's documented message formatting: entities, links, mentions, escaping. */
describe("mrkdwnToPlain", () => {
  it.each([
    ["plain text", "plain text"],
    ["<@U0123ABCD> hello", "@U0123ABCD hello"],
    ["<@U0123ABCD|ana> hello", "@ana hello"],
    ["see <#C0123ABCD|billing> and <#C0456>", "see #billing and #C0456"],
    ["<!here> <!channel> <!everyone>", "@here @channel @everyone"],
    ["<!subteam^S0123|@finance> and <!subteam^S0456>", "@finance and @S0456"],
    ["<!date^1392734382^Posted {date_num}|Posted 2014-02-18>", "Posted 2014-02-18"],
    ["<https://example.com/a?b=1&amp;c=2>", "https://example.com/a?b=1&c=2"],
    ["<https://example.com|the site>", "the site (https://example.com)"],
    ["<https://example.com|example.com>", "example.com"],
    ["<mailto:ana@example.com|ana@example.com>", "ana@example.com"],
    ["<mailto:ana@example.com>", "ana@example.com"],
    ["a &lt;b&gt; &amp; c", "a <b> & c"],
    ["typed literally: &amp;lt;", "typed literally: &lt;"],
    ["<https://x.example|a &amp;lt; b>", "a &lt; b (https://x.example)"],
  ])("%s", (input, plain) => {
    expect(mrkdwnToPlain(input)).toBe(plain);
  });
});
