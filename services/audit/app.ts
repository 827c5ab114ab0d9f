import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AppEnv, jwtAuth, noStore, type Paging } from "@pms/http";
import type { VerifyToken } from "@pms/service";
import type { CheckpointEvidence } from "./domain/checkpoint_evidence.ts";
import { auditRoutes } from "./routes/audit.ts";
import { type CheckpointPages, checkpointRoutes } from "./routes/checkpoints.ts";
import type { AuditStore } from "./store/audit_store.ts";
import type { BreakGlassStore } from "./store/break_glass_store.ts";
import { breakGlassRoutes } from "./routes/break_glass.ts";

/** What the audit routes need. */
export interface AuditRoutesDeps {
  store: AuditStore;
  /** The break-glass review queue, read from the records. */
  breakGlass: BreakGlassStore;
  verify: VerifyToken;
  paging: Paging;
  /** The signed checkpoints kept outside the database: listed, and held against the chain. */
  checkpoints: CheckpointPages & CheckpointEvidence;
}

/** Mounts `/audit` (token required, never cached) on the service app. */
export function mountAuditRoutes(app: OpenAPIHono<AppEnv>, deps: AuditRoutesDeps): void {
  const guards = [noStore(), jwtAuth({ verify: deps.verify })];
  // `/audit/*` matches `/audit` too: the guards run once per request.
  app.use("/audit/*", ...guards);
  app.route("/audit", checkpointRoutes(deps.checkpoints, deps.paging));
  app.route("/audit", breakGlassRoutes(deps.breakGlass, deps.store, deps.paging));
  app.route("/audit", auditRoutes(deps.store, deps.paging, deps.checkpoints));
}
