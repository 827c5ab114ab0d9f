import assert from "node:assert/strict";
import { isCalendarDate, today } from "./dates.ts";

Deno.test("isCalendarDate() accepts real dates, also in the years 1 to 99", () => {
  for (const date of ["2024-02-29", "1985-12-10", "0001-01-01", "0099-12-31", "9999-12-31"]) {
    assert.equal(isCalendarDate(date), true, date);
  }
});

Deno.test("isCalendarDate() refuses impossible dates and other spellings", () => {
  for (
    const date of ["2023-02-29", "2023-02-30", "2024-13-01", "2024-00-10", "0000-01-01", "24-1-1"]
  ) {
    assert.equal(isCalendarDate(date), false, date);
  }
  assert.equal(isCalendarDate("2024-01-01T00:00:00Z"), false);
});

Deno.test("today() is the UTC date", () => {
  assert.equal(today(new Date("2024-03-01T23:30:00-05:00")), "2024-03-02");
});
