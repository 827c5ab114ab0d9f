import type { Sql, Tx } from "@pms/db";
import type { Logger } from "@pms/log";
import type { AccessDecision, PatientAccess } from "@pms/patient_access";
import { decideAccess, readAccessRules } from "../store/restriction_store.ts";

/** The channel a restriction change or a new grant notifies, in its transaction. */
export const RESTRICTIONS_CHANNEL = "patient_restrictions";

/** Who may see which restricted patient, as held in memory. */
interface Rules {
  /** Restricted patient → the users listed. */
  restricted: Map<string, Set<string>>;
  /** Restricted patient → its live grants. */
  grants: Map<string, { userId: string; grantId: string; expiresAt: number }[]>;
}

/** {@linkcode createRestrictionAccess}'s access, with the lifecycle of its copy. */
export interface RestrictionAccess extends PatientAccess {
  /** Reads the rules again; a change awaits it before answering (see below). */
  reload(): Promise<void>;
  /** Tells the instances a change committed (in the change's transaction). */
  notify(tx: Tx): Promise<void>;
  /** Loads the rules and LISTENs for changes; until then decisions are asked of the database. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

// A belt over LISTEN: the rules are read again at least this often.
const RELOAD_MS = 10_000;

/**
 * Decides access from a copy of the restrictions and live grants held in memory, so that the
 * check every patient call makes costs no database round trip (restrictions are few and change
 * rarely). The copy is exact in this instance from a change's answer on: the change reloads it
 * before answering. Other instances reload when the change's NOTIFY reaches them (milliseconds;
 * the deployment runs one task per service unless `service_desired_count` is raised), and every
 * `RELOAD_MS` in any case. Before the first load, and after a failed one, the database is asked.
 */
export function createRestrictionAccess(sql: Sql, logger: Logger): RestrictionAccess {
  let rules: Rules | undefined;
  let started = 0;
  let applied = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let listening: { unlisten(): Promise<void> } | undefined;

  async function reload(): Promise<void> {
    const mine = ++started;
    try {
      const read = await readAccessRules(sql);
      // A later read saw at least what an earlier one did: the newest read wins.
      if (mine < applied) return;
      applied = mine;
      const next: Rules = { restricted: new Map(), grants: new Map() };
      for (const r of read.restrictions) {
        next.restricted.set(r.patientId, new Set(r.allowedUserIds));
      }
      for (const g of read.grants) {
        const list = next.grants.get(g.patientId) ?? [];
        list.push({ userId: g.userId, grantId: g.grantId, expiresAt: g.expiresAt.getTime() });
        next.grants.set(g.patientId, list);
      }
      rules = next;
    } catch (error) {
      if (mine >= applied) rules = undefined;
      logger.warn("restriction rules not read; the database decides meanwhile", { err: error });
    }
  }

  return {
    async decide(patientIds, caller) {
      const current = rules;
      if (!current) return await decideAccess(sql, caller.userId, patientIds);
      const decision: AccessDecision = { hidden: new Set(), grants: new Map() };
      if (current.restricted.size === 0) return decision;
      const now = Date.now();
      for (const id of patientIds) {
        const allowed = current.restricted.get(id);
        if (!allowed || allowed.has(caller.userId)) continue;
        const grant = current.grants.get(id)?.find((g) =>
          g.userId === caller.userId && g.expiresAt > now
        );
        if (grant) decision.grants.set(id, grant.grantId);
        else decision.hidden.add(id);
      }
      return decision;
    },
    noneRestricted: () => rules !== undefined && rules.restricted.size === 0,
    reload,
    async notify(tx) {
      await tx`select pg_notify(${RESTRICTIONS_CHANNEL}, '')`;
    },
    async start() {
      await reload();
      listening = await sql.listen(RESTRICTIONS_CHANNEL, () => void reload(), () => void reload())
        .catch((error) => {
          logger.warn("LISTEN unavailable; restriction rules are read every 10 s", { err: error });
          return undefined;
        });
      timer = setInterval(() => void reload(), RELOAD_MS);
    },
    async stop() {
      clearInterval(timer);
      await listening?.unlisten().catch(() => {});
    },
  };
}
