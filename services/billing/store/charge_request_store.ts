import type { Sql } from "@pms/db";
import { insertCharge, type NewCharge } from "./charge_store.ts";

/**
 * Records `charges` on the account once per `requestId`, in one transaction: the ids of the
 * charges made, or those of the first request with that id (which charges nothing again).
 */
export async function addChargesOnce(
  sql: Sql,
  accountId: string,
  requestId: string,
  charges: NewCharge[],
): Promise<string[]> {
  return await sql.begin(async (tx) => {
    // Serializes concurrent deliveries of one request.
    await tx`select pg_advisory_xact_lock(hashtextextended(${requestId}, 0))`;
    const [seen] = await tx<{ ids: string[] }[]>`
      select charge_ids::text[] as ids from charge_requests where request_id = ${requestId}`;
    if (seen) return seen.ids;
    const ids: string[] = [];
    for (const charge of charges) ids.push((await insertCharge(tx, accountId, charge)).id);
    await tx`
      insert into charge_requests (request_id, account_id, charge_ids)
      values (${requestId}, ${accountId}, ${ids}::uuid[])`;
    return ids;
  }) as string[];
}
