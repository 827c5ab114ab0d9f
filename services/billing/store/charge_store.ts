import type { Sql, Tx } from "@pms/db";
import type { JsonPage } from "@pms/http";
import { CHARGE_JSON } from "./_json.ts";

/** A new charge's fields (money already checked against the account's currency). */
export interface NewCharge {
  code: string;
  description: string;
  /** Minor units. */
  amount: number;
  currency: string;
  /** `YYYY-MM-DD`. */
  serviceDate: string;
}

/** Records a charge on the account; its JSON as the API shows it. */
export async function insertCharge(
  tx: Tx,
  accountId: string,
  charge: NewCharge,
): Promise<{ id: string; json: string }> {
  const id = crypto.randomUUID();
  const [row] = await tx<{ json: string }[]>`
    with c as (
      insert into charges (id, account_id, code, description, amount, currency, service_date)
      values (${id}, ${accountId}, ${charge.code}, ${charge.description}, ${charge.amount},
              ${charge.currency}, ${charge.serviceDate})
      returning *)
    select ${CHARGE_JSON(tx)}::text as json
    from c join billing_accounts a on a.account_id = c.account_id`;
  return { id, json: row!.json };
}

/** A page of the account's charges, newest service date first (then newest recorded). */
export async function listCharges(
  sql: Sql,
  accountId: string,
  page: { page: number; size: number },
): Promise<JsonPage> {
  const [row] = await sql<{ json: string; total: number }[]>`
    select coalesce(json_agg(${CHARGE_JSON(sql)}
             order by c.service_date desc, c.created_at desc, c.id), '[]')::text as json,
           (select count(*) from charges where account_id = ${accountId})::int as total
    from (select * from charges where account_id = ${accountId}
          order by service_date desc, created_at desc, id
          limit ${page.size} offset ${page.page * page.size}) c
    join billing_accounts a on a.account_id = c.account_id`;
  return { json: row?.json ?? "[]", total: row?.total ?? 0 };
}
