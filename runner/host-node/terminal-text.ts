/**
 * Text from outside Tailspin (a service's error message, a file name, a scenario's exception)
 * made safe to print: a terminal acts on control characters, and an escape sequence in a
 * message could clear the screen, move the cursor over earlier output or retitle the window.
 * Like the report's table cells, controls are shown as `?`; this also covers the 8-bit (C1)
 * controls, which some terminals act on too, and the bidirectional overrides that can make
 * text read differently from what it is.
 */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Keeps newlines and tabs; every other control character becomes `?`. */
export function plainText(text: string): string {
  return text.replace(CONTROLS, '?');
}

/** One line: runs of whitespace (newlines too) become one space, controls become `?`. */
export function plainLine(text: string): string {
  return plainText(text.replace(/\s+/g, ' ').trim());
}
