/**
 * The body of one service's isolate in a process that hosts several (`hostServices`): runs the
 * manifest its module exports with the environment it was given, says when it serves, and stops
 * cleanly when asked. The process's signals are the host's; this isolate handles none.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { runService } from "./run_service.ts";
import type { ServiceManifest } from "./service_manifest.ts";
import type { HostedServiceData, HostMessage } from "./_host_messages.ts";

const port = parentPort!;
const { module, exportName, env } = workerData as HostedServiceData;
const manifest = (await import(module))[exportName] as ServiceManifest<never, unknown> | undefined;
if (!manifest) throw new Error(`${module} exports no ${exportName}`);
const running = await runService(manifest, { env, handleSignals: false });
port.on("message", async (message: HostMessage) => {
  if (message.type !== "stop") return;
  await running.stop();
  port.postMessage({ type: "stopped" });
});
port.postMessage({ type: "started", port: running.port });
