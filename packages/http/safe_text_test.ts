import assert from "node:assert/strict";
import { isSafeMultilineText, isSafeText } from "./safe_text.ts";

Deno.test("isSafeText() refuses every control character; isSafeMultilineText() allows CR, LF, TAB", () => {
  for (const text of ["Ada King", "Zoë 李 👩‍⚕️", ""]) {
    assert.ok(isSafeText(text), text);
    assert.ok(isSafeMultilineText(text), text);
  }
  for (const text of ["a\nb", "a\r\nb", "a\tb"]) {
    assert.ok(!isSafeText(text), JSON.stringify(text));
    assert.ok(isSafeMultilineText(text), JSON.stringify(text));
  }
  for (const text of ["a\u0000b", "a\u0007b", "a\u000bb", "a\u000cb", "\u001b[31m", "a\u007fb"]) {
    assert.ok(!isSafeMultilineText(text), JSON.stringify(text));
  }
  for (const text of ["a\u0085b", "a\u202eb", "a\u2066b", "a\ud800b"]) {
    assert.ok(!isSafeMultilineText(text), JSON.stringify(text));
  }
});
