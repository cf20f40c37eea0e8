/**
 * Text that reaches people through a formatter we do not control (a chat client, an Alertmanager
 * receiver's template) carries identifiers that producers chose: a product id `<!channel>` or
 * `[click](http://evil.example)` must be shown, never obeyed. Identifiers are quoted where they enter a
 * sentence; each chat format then escapes the whole interpolated text by its own rules.
 */

/** The chat dialects the chat channel writes. */
export const CHAT_FORMATS = ['slack', 'markdown'] as const;
/**
 * `slack`: Slack mrkdwn (and Slack-compatible receivers); `markdown`: CommonMark with @-mentions, as
 * Mattermost, Rocket.Chat and Microsoft Teams' workflow webhooks render a `{text}`.
 */
export type ChatFormat = (typeof CHAT_FORMATS)[number];

const HTML_SENSITIVE: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * An identifier as a double-quoted JSON string whose `<`, `>` and `&` are `\u` escapes (as Go's
 * encoding/json writes them): its bounds are visible, it cannot start a line of its own, and no
 * receiver's markup (Slack's `<...>` control sequences, HTML) sees a live character in it. Used in the
 * plain-text annotations, which Alertmanager's templates pass on without escaping.
 */
export function quoteIdentifier(value: string): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => HTML_SENSITIVE[c] ?? c);
}

/**
 * Slack's rule for text it must not treat as markup: `&`, `<` and `>` as HTML entities, nothing else
 * (https://api.slack.com/reference/surfaces/formatting#escaping). That disarms `<!channel>`, `<@U…>`
 * and `<http://evil|click>`; mrkdwn has no backslash escape for `*` or `_`.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Every ASCII punctuation character: CommonMark lets each be backslash-escaped to a literal. */
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;
/** U+2060 WORD JOINER: invisible, and it ends the mention word a chat server looks for after `@`. */
const WORD_JOINER = '\u2060';

/**
 * CommonMark text that renders as the literal input: every ASCII punctuation backslash-escaped (links,
 * autolinks, emphasis, HTML, entities), and `@` followed by a word joiner, because Mattermost finds
 * `@channel`, `@all` and `@here` in the raw text, whatever the Markdown around them.
 */
export function escapeMarkdownText(text: string): string {
  return text.replace(ASCII_PUNCTUATION, (c) => (c === '@' ? `@${WORD_JOINER}` : `\\${c}`));
}

/** The escaper of one chat format. */
export function chatTextEscaper(format: ChatFormat): (text: string) => string {
  return format === 'slack' ? escapeSlackText : escapeMarkdownText;
}
