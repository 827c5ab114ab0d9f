import assert from "node:assert/strict";
import { parseBirthDate, parsePatientSearch } from "./fhir_search.ts";

const LIMITS = { defaultCount: 50, maxCount: 100 };
const parse = (query: string) => parsePatientSearch([...new URLSearchParams(query)], LIMITS);

Deno.test("parseBirthDate() reads a year, a month or a day as the range of days it stands for", () => {
  assert.deepEqual(parseBirthDate("1990"), {
    prefix: "eq",
    start: "1990-01-01",
    end: "1990-12-31",
  });
  assert.deepEqual(parseBirthDate("ge2000-02"), {
    prefix: "ge",
    start: "2000-02-01",
    end: "2000-02-29",
  });
  assert.deepEqual(parseBirthDate("lt1900-02"), {
    prefix: "lt",
    start: "1900-02-01",
    end: "1900-02-28",
  });
  assert.deepEqual(parseBirthDate("ne1985-06-15"), {
    prefix: "ne",
    start: "1985-06-15",
    end: "1985-06-15",
  });
  for (const bad of ["1990-13", "1990-02-30", "90", "0000", "1990-1-1", "2020-01-01T00:00:00Z"]) {
    assert.throws(() => parseBirthDate(bad), /birthdate must be/, bad);
  }
  assert.throws(() => parseBirthDate("sa1990"), /prefix sa is not supported/);
});

Deno.test("parsePatientSearch() reads every supported parameter", () => {
  const parsed = parse(
    "name=jo%20do&family=Do,Sm&given=Jo&birthdate=ge1980&birthdate=lt1990-06&" +
      "email=A@Example.com&_id=123E4567-E89B-12D3-A456-426614174000&_count=25&_offset=50&" +
      "_sort=-birthdate,name&_format=json",
  );
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.search, {
    name: [["jo do"]],
    family: [["Do", "Sm"]],
    given: [["Jo"]],
    email: [["A@Example.com"]],
    birthdate: [
      [{ prefix: "ge", start: "1980-01-01", end: "1980-12-31" }],
      [{ prefix: "lt", start: "1990-06-01", end: "1990-06-30" }],
    ],
    id: [["123e4567-e89b-12d3-a456-426614174000"]],
    sort: [{ key: "birthdate", descending: true }, { key: "name", descending: false }],
    offset: 50,
    count: 25,
  });
  assert.deepEqual(parsed.params.birthdate, ["ge1980", "lt1990-06"]);
  // Content negotiation is no search parameter: not in the audit record's details.
  assert.equal("_format" in parsed.params, false);
  assert.equal(
    parsed.pageQuery(75),
    "name=jo+do&family=Do%2CSm&given=Jo&birthdate=ge1980&birthdate=lt1990-06&" +
      "email=A%40Example.com&_id=123E4567-E89B-12D3-A456-426614174000&_sort=-birthdate%2Cname&" +
      "_format=json&_count=25&_offset=75",
  );
});

Deno.test("parsePatientSearch() takes 20 alternatives (\\, escaped ones not counted) and 10 repetitions", () => {
  const twenty = Array(20).fill("jo").join(",");
  const parsed = parse(`${Array(10).fill(`name=${twenty}`).join("&")}&family=${twenty}\\,x`);
  assert.ok(parsed.ok);
  assert.equal(parsed.search.name.length, 10);
  assert.equal(parsed.search.name[0]!.length, 20);
  assert.equal(parsed.search.family[0]!.length, 20);
});

Deno.test("parsePatientSearch() defaults to 50 from 0 and unescapes \\, in a value", () => {
  const parsed = parse("name=a\\,b");
  assert.ok(parsed.ok);
  assert.equal(parsed.search.count, 50);
  assert.equal(parsed.search.offset, 0);
  assert.deepEqual(parsed.search.name, [["a,b"]]);
});

Deno.test("parsePatientSearch() refuses other parameters and modifiers (not-supported) and bad values (invalid)", () => {
  const cases: [string, string, string][] = [
    ["gender=female", "not-supported", "Search parameter gender is not supported"],
    ["name:exact=Doe", "not-supported", "Modifier :exact of name is not supported"],
    ["birthdate:missing=true", "not-supported", "Modifier :missing of birthdate is not supported"],
    ["_summary=count", "not-supported", "Search parameter _summary is not supported"],
    [
      "_sort=gender",
      "not-supported",
      "_sort by gender is not supported (name, birthdate, _lastUpdated)",
    ],
    ["birthdate=sa1990", "not-supported", "birthdate prefix sa is not supported"],
    ["_count=0", "invalid", "_count must be a whole number from 1 to 100"],
    ["_count=101", "invalid", "_count must be a whole number from 1 to 100"],
    ["_count=1&_count=2", "invalid", "_count may be given once"],
    ["_offset=-1", "invalid", "_offset must be a whole number from 0 to 10000000"],
    ["_id=42", "invalid", "_id must be a list of at most 20 patient ids (UUIDs)"],
    [
      `name=${Array(21).fill("jo").join(",")}`,
      "invalid",
      "name may hold at most 20 comma-separated values",
    ],
    [Array(11).fill("given=jo").join("&"), "invalid", "given may be given at most 10 times"],
    [
      `_id=${Array(21).fill("123e4567-e89b-12d3-a456-426614174000").join(",")}`,
      "invalid",
      "_id may hold at most 20 comma-separated values",
    ],
    ["name=", "invalid", "name must not be empty"],
    ["email=nope", "invalid", "email must be a valid email address"],
    [
      "birthdate=1990-02-30",
      "invalid",
      "birthdate must be YYYY, YYYY-MM or YYYY-MM-DD, after an optional prefix eq, ne, gt, lt, ge or le",
    ],
    ["_sort=name,-name", "invalid", "_sort names a key twice"],
  ];
  for (const [query, code, diagnostics] of cases) {
    const parsed = parse(query);
    assert.ok(!parsed.ok, query);
    assert.deepEqual(parsed.issues, [{ severity: "error", code, diagnostics }], query);
  }
});
