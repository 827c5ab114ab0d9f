import type protobuf from "protobufjs";
import { isUuid } from "@pms/ids";
import { InvalidEventError } from "./patient_event.ts";

/**
 * Decodes wire bytes of `message` as a plain object (field names as in the `.proto`, 64-bit
 * numbers as numbers, defaults filled in) whose `event_type` is one of `types`.
 *
 * @throws {InvalidEventError} for empty bytes, bytes that do not decode, or an unknown type.
 */
export function decodeWire<T extends string>(
  message: protobuf.Type,
  bytes: Uint8Array | null | undefined,
  types: readonly T[],
): Record<string, unknown> & { event_type: T } {
  if (!bytes || bytes.length === 0) throw new InvalidEventError("empty message");
  let raw: Record<string, unknown>;
  try {
    raw = message.toObject(message.decode(bytes), { longs: Number, defaults: true });
  } catch (error) {
    throw new InvalidEventError(`not a ${message.name}`, { cause: error });
  }
  if (!types.includes(raw.event_type as T)) throw new InvalidEventError("unknown event_type");
  return raw as Record<string, unknown> & { event_type: T };
}

/** @throws {InvalidEventError} unless each of `fields` of `raw` is a UUID. */
export function requireUuids(raw: Record<string, unknown>, fields: string[]): void {
  for (const field of fields) {
    if (typeof raw[field] !== "string" || !isUuid(raw[field] as string)) {
      throw new InvalidEventError(`${field} is not a UUID`);
    }
  }
}

/** `raw.version` as a whole number from 0. @throws {InvalidEventError} otherwise. */
export function wholeVersion(raw: Record<string, unknown>): number {
  const version = Number(raw.version ?? 0);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new InvalidEventError("version is not a whole number");
  }
  return version;
}
