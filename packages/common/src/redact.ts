/**
 * Credentials written into URLs (`redis://user:secret@host`, `https://token@host`) must never reach a
 * log line, an error message or a terminal. This replaces the user-info part of every URL inside a
 * text, wherever it sits (a message, a stack trace, a config value), keeping the rest readable.
 */

/**
 * scheme://userinfo@ — like a URL parser, the user-info runs to the last `@` of the authority (before
 * any `/`, `?`, `#` or whitespace), so a password with an unescaped `@` is covered whole.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]+@/gi;

export const REDACTED = '[redacted]';

/** `text` with the user-info of every URL in it replaced by `[redacted]`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, `$1${REDACTED}@`);
}

/** True when `text` contains a URL with user-info (a name, a password or both). */
export function hasUrlCredentials(text: string): boolean {
  URL_USERINFO.lastIndex = 0;
  const found = URL_USERINFO.test(text);
  URL_USERINFO.lastIndex = 0;
  return found;
}
