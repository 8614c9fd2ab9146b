/**
 * Slack message text (mrkdwn, with its `<…>` entities and HTML escaping) → plain text.
 * Pure and lossless where it matters for a complaint: link targets and mentioned ids are kept.
 * @see https://docs.slack.dev/messaging/formatting-message-text
 */
export function mrkdwnToPlain(text: string): string {
  // Plain stretches and entities are decoded separately, so an escaped `&amp;lt;` in a label is not decoded twice.
  let plain = "";
  let last = 0;
  for (const match of text.matchAll(/<([^<>]*)>/g)) {
    plain += decodeEntities(text.slice(last, match.index)) + entity(match[1] ?? "");
    last = match.index + match[0].length;
  }
  return plain + decodeEntities(text.slice(last));
}

function entity(inner: string): string {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));
  switch (target.charAt(0)) {
    case "@": // <@U123> or the older <@U123|name>
      return `@${label ?? target.slice(1)}`;
    case "#": // <#C123|general>
      return `#${label ?? target.slice(1)}`;
    case "!":
      return special(target.slice(1), label);
    default:
      return link(target, label);
  }
}

/** `<!here>`, `<!channel>`, `<!subteam^S123|@team>`, `<!date^…|fallback>`. */
function special(command: string, label: string | undefined): string {
  const [name = "", id] = command.split("^");
  if (label !== undefined) return label;
  if (name === "subteam") return `@${id ?? name}`;
  return name === "date" ? "" : `@${name}`;
}

/** A link shows its label and keeps the target, unless the label already says it (`<mailto:a@b|a@b>`). */
function link(target: string, label: string | undefined): string {
  const url = decodeEntities(target);
  if (label === undefined || label === "") return url.replace(/^mailto:/, "");
  const bare = url.replace(/^(mailto:|https?:\/\/)/, "");
  return label === url || label === bare ? label : `${label} (${url})`;
}

/** Slack escapes exactly these three in message text. */
function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
