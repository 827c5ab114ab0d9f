import { z } from "@hono/zod-openapi";

/** What every record answers with and no request sets. */
const READ_ONLY = ["id", "version", "createdAt", "updatedAt"] as const;

const ignored = z.unknown().optional().openapi({
  readOnly: true,
  description: "Ignored: a client may send back the record as read (If-Match checks a version)",
});

/**
 * A PATCH body of `body`'s fields that also takes the record's read-only `id`, `version`,
 * `createdAt` and `updatedAt` and ignores them: they are dropped before the change sees the body,
 * so a body of those alone changes nothing. Every other unknown field is still refused when
 * `body` is strict. Name the result (`.openapi("PatchThingRequest")`), not `body`: the document
 * then shows one object, the read-only fields marked `readOnly`.
 */
export function ignoringReadOnly<T extends z.ZodObject>(body: T) {
  return body.extend({ id: ignored, version: ignored, createdAt: ignored, updatedAt: ignored })
    .transform((value) => {
      const kept: Record<string, unknown> = { ...value };
      for (const key of READ_ONLY) delete kept[key];
      return kept as z.output<T>;
    });
}
