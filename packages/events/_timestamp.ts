/** A `google.protobuf.Timestamp` as protobufjs reads and writes it. */
export interface WireTimestamp {
  seconds?: number;
  nanos?: number;
}

/** A date as a `google.protobuf.Timestamp`. */
export function toTimestamp(date: Date): WireTimestamp {
  const millis = date.getTime();
  const seconds = Math.floor(millis / 1000);
  return { seconds, nanos: (millis - seconds * 1000) * 1_000_000 };
}

/** A `google.protobuf.Timestamp` as a date (the epoch when absent). */
export function fromTimestamp(ts: WireTimestamp | undefined | null): Date {
  return new Date((ts?.seconds ?? 0) * 1000 + Math.floor((ts?.nanos ?? 0) / 1e6));
}
