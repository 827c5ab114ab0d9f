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
