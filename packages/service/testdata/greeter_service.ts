/**
 * A service without a database, tokens or Kafka, for `hostServices`' tests: `GET /greeting`
 * answers its own `GREETING`; `POST /crash` throws outside any request, which ends its isolate;
 * `POST /allocate` keeps allocating until its heap's limit ends the isolate.
 *
 * @module
 */
import type { ServiceTopology } from "@pms/topology";
import { defineService } from "../define_service.ts";

const kept: unknown[] = [];

/** The greeter's manifest. */
export const greeter = defineService({
  topology: {
    name: "greeter",
    port: 0,
    tokens: false,
    permissions: [],
    routes: [],
    calls: [],
  } satisfies ServiceTopology,
  config: (source = {}) => ({
    PORT: Number(source.PORT ?? 0),
    HOST: "127.0.0.1",
    LOG_LEVEL: "error" as const,
    GREETING: source.GREETING ?? "",
  }),
  setup: () => ({}),
  routes(app, { config }) {
    app.get("/greeting", (c) => c.json({ greeting: config.GREETING }));
    app.post("/crash", (c) => {
      setTimeout(() => {
        throw new Error("crashed on purpose");
      });
      return c.json({ crashing: true }, 202);
    });
    app.post("/allocate", (c) => {
      setTimeout(() => {
        for (;;) kept.push(new Array(100_000).fill(kept.length));
      });
      return c.json({ allocating: true }, 202);
    });
  },
});
