import { changedFields } from "@pms/audit";
import type { Sql } from "@pms/db";
import { requireVersion } from "@pms/http";
import { deliveryBody, type WebhookEvent } from "../webhooks/webhook_event.ts";

/** A webhook as the API shows it (its secret only when made or rotated). */
export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  /** Moves by one with every change (its `ETag`). */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A delivery as the API shows it. */
export interface Delivery {
  id: string;
  eventId: string;
  type: string;
  status: "PENDING" | "DELIVERED" | "FAILED";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  /** 1 when queued, +1 with each attempt's outcome, redelivery once finished, or withdrawal. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A delivery the sender is to attempt, with its webhook's URL and secret. */
export interface DueDelivery {
  id: string;
  eventId: string;
  type: string;
  patientId: string | null;
  /** Other patients it names (a merge's target): disclosed to the webhook as well. */
  alsoPatientIds: string[];
  body: string;
  attempts: number;
  url: string;
  secret: string;
}

const MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
/** The `lastError` of a delivery withdrawn because its patient denied DATA_SHARING. */
const CONSENT_WITHDRAWN = "Not sent: the patient denied DATA_SHARING";

/** Storage of webhooks and their deliveries. */
export type WebhookStore = ReturnType<typeof createWebhookStore>;

/** The webhook store on the notification service's database. */
export function createWebhookStore(sql: Sql) {
  const hookColumns = sql`id::text, url, events, description, active, version::int,
    to_char(created_at at time zone 'UTC', ${sql.unsafe(MS)}) as "createdAt",
    to_char(updated_at at time zone 'UTC', ${sql.unsafe(MS)}) as "updatedAt"`;
  const deliveryColumns = sql`id::text, event_id::text as "eventId", type, status, attempts,
    last_status_code as "lastStatusCode", last_error as "lastError",
    case when status = 'PENDING'
      then to_char(next_attempt_at at time zone 'UTC', ${sql.unsafe(MS)}) end as "nextAttemptAt",
    to_char(delivered_at at time zone 'UTC', ${sql.unsafe(MS)}) as "deliveredAt", version,
    to_char(created_at at time zone 'UTC', ${sql.unsafe(MS)}) as "createdAt",
    to_char(updated_at at time zone 'UTC', ${sql.unsafe(MS)}) as "updatedAt"`;
  return {
    async create(
      hook: { url: string; events: string[]; description: string | null },
      secret: string,
    ): Promise<Webhook> {
      const [row] = await sql<Webhook[]>`
        insert into webhooks (id, url, events, description, secret)
        values (${crypto.randomUUID()}, ${hook.url}, ${hook.events}, ${hook.description},
                ${secret})
        returning ${hookColumns}`;
      return row!;
    },
    /** A page of the webhooks, newest first, and how many there are. */
    async list(page: { page: number; size: number }): Promise<{ items: Webhook[]; total: number }> {
      const items = await sql<Webhook[]>`
        select ${hookColumns} from webhooks order by created_at desc, id
        limit ${page.size} offset ${page.page * page.size}`;
      const [count] = await sql<{ n: number }[]>`select count(*)::int as n from webhooks`;
      return { items: [...items], total: count!.n };
    },
    async find(id: string): Promise<Webhook | undefined> {
      const [row] = await sql<Webhook[]>`select ${hookColumns} from webhooks where id = ${id}`;
      return row;
    },
    /**
     * Applies `change`; undefined for no such webhook.
     *
     * @throws {DomainError} `precondition` (`412`) when `expected` (`If-Match`) does not name the
     * webhook's current version.
     */
    async update(
      id: string,
      change: { url?: string; events?: string[]; active?: boolean },
      expected?: number[],
    ): Promise<Webhook | undefined> {
      return await sql.begin(async (tx) => {
        const [current] = await tx<Webhook[]>`
          select ${hookColumns} from webhooks where id = ${id} for update`;
        if (!current) return undefined;
        requireVersion(current.version, "Webhook", expected);
        // A change that changes nothing keeps the version and updatedAt.
        const next = {
          url: change.url ?? current.url,
          events: change.events ?? current.events,
          active: change.active ?? current.active,
        };
        const sameEvents = (a: string[], b: string[]) => a.join("\n") === b.join("\n");
        if (changedFields(current, { ...current, ...next }, { events: sameEvents }).length === 0) {
          return current;
        }
        const [row] = await tx<Webhook[]>`
          update webhooks set url = coalesce(${change.url ?? null}, url),
            events = coalesce(${change.events ?? null}::text[], events),
            active = coalesce(${change.active ?? null}, active),
            version = version + 1, updated_at = now()
          where id = ${id} returning ${hookColumns}`;
        return row;
      });
    },
    async remove(id: string): Promise<boolean> {
      return (await sql`delete from webhooks where id = ${id} returning id`).length === 1;
    },
    async rotate(id: string, secret: string): Promise<boolean> {
      const rows = await sql`
        update webhooks set secret = ${secret}, version = version + 1, updated_at = now()
        where id = ${id} returning id`;
      return rows.length === 1;
    },
    /**
     * One delivery of each event to every active webhook subscribed to its type (a ping only to
     * the webhook `only`), each (webhook, event) once however often the event arrives; none
     * naming a patient who denied DATA_SHARING. Resolves with how many deliveries were made.
     */
    async enqueue(events: WebhookEvent[], only?: string): Promise<number> {
      if (events.length === 0) return 0;
      const rows = await sql<{ n: number }[]>`
        with incoming as (
          select event_id, type, patient_id, string_to_array(also, ',')::uuid[] as also, body
          from unnest(
            ${events.map((e) => e.id)}::uuid[],
            ${events.map((e) => e.type)}::text[],
            ${events.map((e) => e.patientId)}::uuid[],
            ${events.map((e) => (e.alsoPatientIds ?? []).join(","))}::text[],
            ${events.map(deliveryBody)}::text[]
          ) as e(event_id, type, patient_id, also, body)),
        made as (
          insert into webhook_deliveries
            (id, webhook_id, event_id, type, patient_id, also_patient_ids, body)
          select gen_random_uuid(), w.id, i.event_id, i.type, i.patient_id, i.also, i.body
          from incoming i join webhooks w on w.active and (
            -- A ping goes to the webhook pinged, whichever others subscribe to pings.
            case when i.type = 'ping' then w.id = ${only ?? null}::uuid
                 else i.type = any(w.events) end)
          -- Not for a patient who denied DATA_SHARING, whichever of the patients named it is.
          where not exists (
            select 1 from consents c
            where c.scope = 'DATA_SHARING' and c.denied
              and (c.patient_id = i.patient_id or c.patient_id = any(i.also)))
          on conflict (webhook_id, event_id) do nothing
          returning 1)
        select count(*)::int as n from made`;
      return rows[0]?.n ?? 0;
    },
    async deliveries(
      webhookId: string,
      filter: { status?: string; page: number; size: number },
    ): Promise<{ items: Delivery[]; total: number }> {
      const where = filter.status
        ? sql`webhook_id = ${webhookId} and status = ${filter.status}`
        : sql`webhook_id = ${webhookId}`;
      const items = await sql<Delivery[]>`
        select ${deliveryColumns} from webhook_deliveries where ${where}
        order by created_at desc, id limit ${filter.size} offset ${filter.page * filter.size}`;
      const [count] = await sql<{ n: number }[]>`
        select count(*)::int as n from webhook_deliveries where ${where}`;
      return { items: [...items], total: count!.n };
    },
    /** Sends a delivery again from now (same body, same webhook-id). */
    async redeliver(webhookId: string, deliveryId: string): Promise<boolean> {
      const rows = await sql`
        update webhook_deliveries set status = 'PENDING', next_attempt_at = now(), attempts = 0
        where id = ${deliveryId} and webhook_id = ${webhookId} returning id`;
      return rows.length === 1;
    },
    /**
     * Leases up to `limit` due deliveries of active webhooks for `leaseMs` (a crashed sender's
     * come back after it; `SKIP LOCKED`, so instances never take the same) and returns them. A
     * due delivery naming a patient who has denied DATA_SHARING since it was made is not sent:
     * it is marked FAILED with that reason.
     */
    async claimDue(limit: number, leaseMs: number): Promise<DueDelivery[]> {
      await sql`
        update webhook_deliveries d set status = 'FAILED', last_error = ${CONSENT_WITHDRAWN}
        where d.status = 'PENDING' and d.next_attempt_at <= now() and exists (
          select 1 from consents c where c.scope = 'DATA_SHARING' and c.denied
            and (c.patient_id = d.patient_id or c.patient_id = any(d.also_patient_ids)))`;
      return [
        ...await sql<DueDelivery[]>`
          update webhook_deliveries d
          set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
          from webhooks w
          where d.webhook_id = w.id and d.id in (
            select d2.id from webhook_deliveries d2 join webhooks w2 on w2.id = d2.webhook_id
            where d2.status = 'PENDING' and d2.next_attempt_at <= now() and w2.active
            order by d2.next_attempt_at limit ${limit}
            for update of d2 skip locked)
          returning d.id::text, d.event_id::text as "eventId", d.type,
            d.patient_id::text as "patientId", d.also_patient_ids::text[] as "alsoPatientIds",
            d.body, d.attempts, w.url, w.secret`,
      ];
    },
    async markDelivered(id: string, statusCode: number): Promise<void> {
      await sql`
        update webhook_deliveries set status = 'DELIVERED', attempts = attempts + 1,
          last_status_code = ${statusCode}, last_error = null, delivered_at = now()
        where id = ${id}`;
    },
    /** Records a failed attempt: retried at `retryAt`, or FAILED for good without one. */
    async markFailed(
      id: string,
      failure: { statusCode: number | null; error: string },
      retryAt: Date | undefined,
    ): Promise<void> {
      await sql`
        update webhook_deliveries set attempts = attempts + 1,
          last_status_code = ${failure.statusCode}, last_error = ${failure.error.slice(0, 500)},
          status = ${retryAt ? "PENDING" : "FAILED"},
          next_attempt_at = coalesce(${retryAt ?? null}::timestamptz, next_attempt_at)
        where id = ${id}`;
    },
  };
}
