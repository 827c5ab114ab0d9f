import assert from "node:assert/strict";
import { HTTPException } from "hono/http-exception";
import { dateBounds, dateRange, tokenCode, withinBounds } from "./fhir_search.ts";

const at = (iso: string) => new Date(iso);
const iso = (d: Date | undefined) => d?.toISOString();

Deno.test("dateRange() takes a year, a month, a day or an instant as the instants it covers", () => {
  const range = (value: string) => {
    const r = dateRange(value);
    return r && [iso(r.from), iso(r.before)];
  };
  assert.deepEqual(range("2026"), ["2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
  assert.deepEqual(range("2026-12"), ["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
  assert.deepEqual(range("2028-02"), ["2028-02-01T00:00:00.000Z", "2028-03-01T00:00:00.000Z"]);
  assert.deepEqual(range("2026-12-09"), ["2026-12-09T00:00:00.000Z", "2026-12-10T00:00:00.000Z"]);
  assert.deepEqual(range("2026-12-09T10:00:00+01:00"), [
    "2026-12-09T09:00:00.000Z",
    "2026-12-09T09:00:00.001Z",
  ]);
  for (const bad of ["26", "2026-13", "2026-00", "2027-02-29", "2026-1", "0000", "12/09", ""]) {
    assert.equal(dateRange(bad), undefined, bad);
  }
});

Deno.test("dateBounds() narrows by every prefix; ne leaves its range out", () => {
  const bounds = (...values: string[]) => {
    const b = dateBounds("date", values);
    return {
      from: iso(b.from),
      before: iso(b.before),
      excluded: b.excluded.map((r) => [iso(r.from), iso(r.before)]),
    };
  };
  assert.deepEqual(bounds("2026"), {
    from: "2026-01-01T00:00:00.000Z",
    before: "2027-01-01T00:00:00.000Z",
    excluded: [],
  });
  assert.deepEqual(bounds("ge2026-12"), {
    from: "2026-12-01T00:00:00.000Z",
    before: undefined,
    excluded: [],
  });
  assert.deepEqual(bounds("gt2026-12", "le2027"), {
    from: "2027-01-01T00:00:00.000Z",
    before: "2028-01-01T00:00:00.000Z",
    excluded: [],
  });
  assert.deepEqual(bounds("lt2026-12-09", "eq2026-12"), {
    from: "2026-12-01T00:00:00.000Z",
    before: "2026-12-09T00:00:00.000Z",
    excluded: [],
  });
  assert.deepEqual(bounds("ne2026-12-09"), {
    from: undefined,
    before: undefined,
    excluded: [["2026-12-09T00:00:00.000Z", "2026-12-10T00:00:00.000Z"]],
  });
});

Deno.test("dateBounds() refuses other forms and prefixes with a 400", () => {
  for (const bad of ["2026-12-9", "sa2026", "ap2026-12", "2026-12-09T10:00", "eq", "x2026"]) {
    assert.throws(
      () => dateBounds("date", [bad]),
      (e) => e instanceof HTTPException && e.status === 400,
      bad,
    );
  }
});

Deno.test("withinBounds() holds inside the range and outside every excluded one", () => {
  const b = dateBounds("date", ["2026", "ne2026-12-09"]);
  assert.equal(withinBounds(b, at("2026-12-08T23:59:59.999Z")), true);
  assert.equal(withinBounds(b, at("2026-12-09T00:00:00Z")), false);
  assert.equal(withinBounds(b, at("2026-12-09T23:59:59.999Z")), false);
  assert.equal(withinBounds(b, at("2026-12-10T00:00:00Z")), true);
  assert.equal(withinBounds(b, at("2027-01-01T00:00:00Z")), false);
  assert.equal(withinBounds(b, at("2025-12-31T23:59:59Z")), false);
});

Deno.test("tokenCode() keeps a code of the system, nothing of another or of none", () => {
  const loinc = "http://loinc.org";
  assert.deepEqual(tokenCode("8867-4", loinc), { code: "8867-4" });
  assert.deepEqual(tokenCode("http://loinc.org|8867-4", loinc), { code: "8867-4" });
  assert.deepEqual(tokenCode("http://loinc.org|", loinc), { code: undefined });
  assert.equal(tokenCode("http://snomed.info/sct|8867-4", loinc), false);
  assert.equal(tokenCode("|8867-4", loinc), false);
});
