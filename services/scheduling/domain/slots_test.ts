import assert from "node:assert/strict";
import { checkSpan, slotsBetween, slotsOfDate } from "./slots.ts";
import type { AvailabilityWindow } from "./schedule_schema.ts";

const everyDay = (start: string, end: string): AvailabilityWindow[] =>
  (["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const).map((weekday) => ({
    weekday,
    start,
    end,
  }));
const iso = (d: Date) => d.toISOString();

Deno.test("slotsOfDate() keeps local times across a spring-forward day in Europe/Paris", () => {
  const plan = {
    timeZone: "Europe/Paris",
    slotMinutes: 30,
    availability: everyDay("08:00", "09:00"),
  };
  // 2026-03-29: clocks go from 02:00 to 03:00; 08:00 local is 06:00Z (was 07:00Z the day before).
  const before = slotsOfDate(plan, Temporal.PlainDate.from("2026-03-28")).map((s) => iso(s.start));
  const on = slotsOfDate(plan, Temporal.PlainDate.from("2026-03-29")).map((s) => iso(s.start));
  assert.deepEqual(before, ["2026-03-28T07:00:00.000Z", "2026-03-28T07:30:00.000Z"]);
  assert.deepEqual(on, ["2026-03-29T06:00:00.000Z", "2026-03-29T06:30:00.000Z"]);
});

Deno.test("slotsOfDate() keeps local times across a fall-back day in Europe/Paris", () => {
  const plan = {
    timeZone: "Europe/Paris",
    slotMinutes: 60,
    availability: everyDay("08:00", "10:00"),
  };
  // 2026-10-25: clocks go back from 03:00 to 02:00; 08:00 local is 07:00Z (06:00Z the day before).
  const on = slotsOfDate(plan, Temporal.PlainDate.from("2026-10-25"));
  assert.deepEqual(on.map((s) => [iso(s.start), iso(s.end)]), [
    ["2026-10-25T07:00:00.000Z", "2026-10-25T08:00:00.000Z"],
    ["2026-10-25T08:00:00.000Z", "2026-10-25T09:00:00.000Z"],
  ]);
});

Deno.test("slotsOfDate() handles the hour skipped and the hour repeated in America/New_York", () => {
  const plan = {
    timeZone: "America/New_York",
    slotMinutes: 60,
    availability: everyDay("00:00", "04:00"),
  };
  // 2026-03-08: 02:00 does not exist: its slot is left out; 03:00 EDT is 07:00Z.
  const spring = slotsOfDate(plan, Temporal.PlainDate.from("2026-03-08")).map((s) => iso(s.start));
  assert.deepEqual(spring, [
    "2026-03-08T05:00:00.000Z",
    "2026-03-08T06:00:00.000Z",
    "2026-03-08T07:00:00.000Z",
  ]);
  // 2026-11-01: 01:00 happens twice: its slot is the first (EDT, 05:00Z); 03:00 EST is 08:00Z.
  const fall = slotsOfDate(plan, Temporal.PlainDate.from("2026-11-01")).map((s) => iso(s.start));
  assert.deepEqual(fall, [
    "2026-11-01T04:00:00.000Z",
    "2026-11-01T05:00:00.000Z",
    "2026-11-01T07:00:00.000Z",
    "2026-11-01T08:00:00.000Z",
  ]);
  // A working day keeps 09:00 local on both sides of the change.
  const day = { ...plan, availability: everyDay("09:00", "10:00") };
  assert.deepEqual(
    slotsBetween(day, "2026-10-31", "2026-11-02").map((s) => iso(s.start)),
    ["2026-10-31T13:00:00.000Z", "2026-11-01T14:00:00.000Z", "2026-11-02T14:00:00.000Z"],
  );
});

Deno.test("checkSpan() names start or end as the contract says", () => {
  const plan = {
    timeZone: "UTC",
    slotMinutes: 15,
    availability: [
      { weekday: "MON" as const, start: "08:00", end: "12:00" },
      { weekday: "MON" as const, start: "13:00", end: "14:00" },
    ],
  };
  const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00Z`);
  assert.deepEqual(checkSpan(plan, at("08:00"), at("08:30")), { ok: true, slots: 2 });
  assert.equal(checkSpan(plan, at("08:05"), at("08:30")).ok, false);
  const cases: [string, string, "start" | "end"][] = [
    ["08:05", "08:30", "start"], // off a boundary
    ["07:00", "07:15", "start"], // outside the availability
    ["11:45", "13:15", "start"], // across windows
    ["11:30", "12:30", "start"], // out of the availability, on the grid
    ["08:00", "08:20", "end"], // end off a boundary
    ["08:30", "08:30", "end"], // not after start
    ["08:00", "12:00", "end"], // 16 slots is fine...
  ];
  for (const [s, e, field] of cases.slice(0, 6)) {
    const result = checkSpan(plan, at(s), at(e));
    assert.equal(result.ok ? "ok" : result.field, field, `${s}-${e}`);
  }
  assert.deepEqual(checkSpan(plan, at("08:00"), at("12:00")), { ok: true, slots: 16 });
  const long = {
    ...plan,
    availability: [{ weekday: "MON" as const, start: "08:00", end: "13:00" }],
  };
  const tooLong = checkSpan(long, at("08:00"), at("12:15"));
  assert.equal(tooLong.ok ? "ok" : tooLong.field, "end");
});

Deno.test("checkSpan() names start for a booking across two windows that meet at midnight", () => {
  const plan = {
    timeZone: "UTC",
    slotMinutes: 30,
    availability: [...everyDay("23:00", "24:00"), ...everyDay("00:00", "01:00")],
  };
  const result = checkSpan(
    plan,
    new Date("2026-12-07T23:30:00Z"),
    new Date("2026-12-08T00:30:00Z"),
  );
  assert.equal(result.ok ? "ok" : result.field, "start");
});
