import type { AppEnv } from "@pms/http";
import type { Context } from "hono";
import { answerChange } from "./answer_change.ts";
import { type CallContext, callContext } from "./call_context.ts";

/** A route's context with an `{id}` path parameter and a validated JSON body of type `B`. */
type IdAndBody<B> = Context<AppEnv, string, { out: { param: { id: string }; json: B } }>;

/**
 * The handler of a change to the record an `{id}` path names: runs `change` with the id, the
 * validated JSON body and the caller's {@linkcode CallContext}, then answers the changed record
 * (`answerChange`: audit record committed, `ETag`, `Location` under `collection`).
 */
export async function changeById<B>(
  c: IdAndBody<B>,
  change: (id: string, body: B, ctx: CallContext) => Promise<{ id: string; version: number }>,
  status: 200 | 201,
  collection?: string,
): Promise<Response> {
  const record = await change(c.req.valid("param").id, c.req.valid("json"), callContext(c));
  return answerChange(c, record, status, collection);
}
