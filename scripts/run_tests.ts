// deno-lint-ignore-file no-console
/**
 * `deno task test`: starts one throwaway PostgreSQL server and one Kafka broker for the whole run
 * (tests create a database each on the server, and each system a topic of its own on the
 * broker), runs `deno test`, stops both, and ends with the plain line `N passed, M failed`.
 * Arguments are passed on to `deno test` (for example a path). Kafka is found as `startKafka`
 * says: `KAFKA_BROKERS`, else Docker, else a real local broker run with the JDK.
 *
 * @module
 */
import { type KafkaHandle, startKafka, startPostgres } from "@pms/infra";
import { Logger } from "@pms/log";

const logger = new Logger({ service: "test-runner" });
const pg = await startPostgres({ databases: [], logger, mode: "test", fast: true });
let kafka: KafkaHandle | undefined;
const stop = async () => {
  await kafka?.stop();
  await pg.stop();
};
const onSignal = () => {
  stop().finally(() => Deno.exit(130));
};
Deno.addSignalListener("SIGINT", onSignal);
Deno.addSignalListener("SIGTERM", onSignal);

try {
  kafka = await startKafka({ logger, mode: "test", topics: [] });
} catch (error) {
  logger.error("no Kafka for this run: the event tests will fail", { err: error });
}

const args = Deno.args.length > 0 ? Deno.args : ["."];
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--no-prompt", ...args],
  env: {
    PMS_TEST_POSTGRES_URL: pg.serverUrl ?? "",
    PMS_TEST_KAFKA_BROKERS: kafka?.brokers.join(",") ?? "",
    NO_COLOR: "1",
  },
  stdout: "piped",
  stderr: "inherit",
}).spawn();

let passed = 0;
let failed = 0;
let tail = "";
const encoder = new TextEncoder();
for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
  await Deno.stdout.write(encoder.encode(chunk));
  tail = (tail + chunk).slice(-4096);
}
// Deno's own closing line: "ok | 12 passed (3 steps) | 0 failed (2s)".
const summary = [...tail.matchAll(/(?:ok|FAILED) \| (\d+) passed[^|]*\| (\d+) failed/g)].at(-1);
if (summary) {
  passed = Number(summary[1]);
  failed = Number(summary[2]);
}
const status = await child.status;
await stop();
if (!summary && !status.success) failed = Math.max(failed, 1);
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(status.success && failed === 0 ? 0 : 1);
