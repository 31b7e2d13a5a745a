/**
 * Trimming a set of characters from the ends of a text, in linear time.
 * (`text.replace(/x+$/, "")` is quadratic: the engine retries the run at
 * every one of its characters when something else follows it.)
 *
 * @module
 */

/** `text` without any of the characters in `chars` at its start. */
export function trimStartChars(text: string, chars: string): string {
  let start = 0;
  while (start < text.length && chars.includes(text[start]!)) start++;
  return start === 0 ? text : text.slice(start);
}

/** `text` without any of the characters in `chars` at its end. */
export function trimEndChars(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** `text` without any of the characters in `chars` at either end. */
export function trimChars(text: string, chars: string): string {
  return trimEndChars(trimStartChars(text, chars), chars);
}
