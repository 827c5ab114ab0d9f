import { type AvailabilityWindow, minutesOf, WEEKDAYS } from "./schedule_schema.ts";

/** What slots are computed from: a schedule's zone, slot length and weekly availability. */
export interface SlotPlan {
  timeZone: string;
  slotMinutes: number;
  availability: AvailabilityWindow[];
}

/** One slot as instants, with the window it belongs to (index in the availability). */
export interface PlannedSlot {
  start: Date;
  end: Date;
  window: number;
}

/**
 * The local wall-clock time `minutes` after midnight of `date` in `zone`, as an instant; undefined
 * when that local time does not exist (skipped by a daylight-saving change). A local time that
 * occurs twice (the hour a clock goes back) is its first occurrence.
 */
function localInstant(date: Temporal.PlainDate, minutes: number, zone: string): Date | undefined {
  const day = minutes >= 1440 ? date.add({ days: 1 }) : date;
  const local = day.toPlainDateTime({ hour: Math.floor(minutes / 60) % 24, minute: minutes % 60 });
  const zoned = local.toZonedDateTime(zone, { disambiguation: "earlier" });
  if (!zoned.toPlainDateTime().equals(local)) return undefined;
  return new Date(zoned.epochMilliseconds);
}

/**
 * The slots of one local date: each availability window of its weekday cut into `slotMinutes`
 * pieces by the local wall clock, so that on a daylight-saving day a window keeps its local
 * times (08:00–12:00 stays 08:00–12:00). A piece whose local start does not exist that day is
 * left out; each slot lasts `slotMinutes` of real time.
 */
export function slotsOfDate(plan: SlotPlan, date: Temporal.PlainDate): PlannedSlot[] {
  const weekday = WEEKDAYS[date.dayOfWeek - 1];
  const slots: PlannedSlot[] = [];
  plan.availability.forEach((w, index) => {
    if (w.weekday !== weekday) return;
    const last = minutesOf(w.end) - plan.slotMinutes;
    for (let m = minutesOf(w.start); m <= last; m += plan.slotMinutes) {
      const start = localInstant(date, m, plan.timeZone);
      if (!start) continue;
      slots.push({
        start,
        end: new Date(start.getTime() + plan.slotMinutes * 60_000),
        window: index,
      });
    }
  });
  return slots.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** The slots of the local dates `from` to `to` (inclusive, `YYYY-MM-DD`), by start. */
export function slotsBetween(plan: SlotPlan, from: string, to: string): PlannedSlot[] {
  const last = Temporal.PlainDate.from(to);
  const slots: PlannedSlot[] = [];
  for (
    let date = Temporal.PlainDate.from(from);
    Temporal.PlainDate.compare(date, last) <= 0;
    date = date.add({ days: 1 })
  ) {
    slots.push(...slotsOfDate(plan, date));
  }
  return slots;
}

/** The local date of an instant in `zone`. */
export function localDateOf(instant: Date, zone: string): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(zone)
    .toPlainDate();
}

/** Where a booking's `start` and `end` fall in a plan: the slots it spans, or the field at fault. */
export type SpanCheck =
  | { ok: true; slots: number }
  | { ok: false; field: "start" | "end"; message: string };

/** The longest booking, in slots. */
export const MAX_SLOTS = 16;

/**
 * Whether `start`–`end` lies on the plan's slot boundaries inside one availability window and
 * spans 1 to {@linkcode MAX_SLOTS} slots. `start` answers for a start off a boundary, outside
 * the availability, or an end on a boundary outside the start's window (in another window, across
 * midnight, or outside the availability); `end` for an end off a boundary, not after the start,
 * or too long.
 */
export function checkSpan(plan: SlotPlan, start: Date, end: Date): SpanCheck {
  if (end.getTime() <= start.getTime()) {
    return { ok: false, field: "end", message: "end must be after start" };
  }
  const date = localDateOf(start, plan.timeZone);
  const slots = slotsOfDate(plan, date);
  const first = slots.findIndex((s) => s.start.getTime() === start.getTime());
  if (first < 0) {
    return {
      ok: false,
      field: "start",
      message: "start must be the start of a slot within the schedule's availability",
    };
  }
  const window = slots[first]!.window;
  let last = first;
  while (last < slots.length && slots[last]!.end.getTime() < end.getTime()) last++;
  const closing = slots[last];
  if (!closing || closing.end.getTime() !== end.getTime()) {
    // An end on the slot grid (a multiple of slotMinutes from its local midnight) is on a
    // boundary: the booking then leaves its window (into another, across midnight too, or out of
    // the availability), which is `start`'s fault; any other end is off a boundary.
    const local = Temporal.Instant.fromEpochMilliseconds(end.getTime())
      .toZonedDateTimeISO(plan.timeZone);
    const onGrid = local.second === 0 && local.millisecond === 0 &&
      (local.hour * 60 + local.minute) % plan.slotMinutes === 0;
    return onGrid
      ? { ok: false, field: "start", message: "start and end must lie in one availability window" }
      : { ok: false, field: "end", message: "end must be the end of a slot" };
  }
  for (let i = first; i <= last; i++) {
    if (slots[i]!.window !== window) {
      return {
        ok: false,
        field: "start",
        message: "start and end must lie in one availability window",
      };
    }
  }
  const count = last - first + 1;
  if (count > MAX_SLOTS) {
    return { ok: false, field: "end", message: `An appointment spans at most ${MAX_SLOTS} slots` };
  }
  return { ok: true, slots: count };
}
