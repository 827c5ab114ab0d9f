// C0 and C1 control characters (NUL, ESC, …) and the bidirectional overrides and isolates that
// can make a name display as something else (U+202A–U+202E, U+2066–U+2069).
// deno-lint-ignore no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * True when the text is safe to store and show: no control characters (PostgreSQL refuses NUL,
 * terminals obey ESC), no bidirectional overrides, and no unpaired UTF-16 surrogate (which
 * PostgreSQL would silently replace). For names, addresses and search terms.
 */
export function isSafeText(value: string): boolean {
  return !UNSAFE_CHARACTERS.test(value) && value.isWellFormed();
}

// The same, less the line breaks and tabs free text may hold (TAB, LF, CR).
const UNSAFE_IN_PROSE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * True when free text (a justification, a review note, a reason) is safe to store and show: as
 * {@linkcode isSafeText}, except that line breaks and tabs (CR, LF, TAB) are allowed; every other
 * control character is not.
 */
export function isSafeMultilineText(value: string): boolean {
  return !UNSAFE_IN_PROSE.test(value) && value.isWellFormed();
}
