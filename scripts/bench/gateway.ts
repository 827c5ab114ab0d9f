// deno-lint-ignore-file no-console
/**
 * `deno task bench:gateway`: the gateway's own cost per request, with nothing else on the
 * machine's cores but `wrk` and a fixed upstream (`fixed_upstream.ts`, one process that answers
 * the key fetch and every call at once). The gateway runs as the catalog starts it (its
 * `main.ts`, permissions and V8 flags), with a real token (EdDSA, signed here) checked on every
 * call. For a get (one patient, about 250 bytes), a list (a page of 50, about 12 KB) and a create
 * (a POST of one patient's JSON) at 64 connections it prints req/s, p99, and the CPU per request
 * of the gateway and of the upstream, each round and the median, then the gateway's peak and
 * final resident memory. Lower noise than
 * the whole system's bench, so it is the one to compare two versions of the gateway with,
 * alternating runs (by the gateway's CPU divided by the upstream's, which follows the machine's
 * speed). With `--cpu-prof` the gateway runs under the inspector (slower) and each scenario's
 * last round prints its self time by package and by function (raw profiles in
 * `.results/gateway-alone-<scenario>.cpuprofile`).
 *
 * `--v8 <flags>` adds V8 flags after the catalog's (they win), to compare settings.
 *
 *     deno task bench:gateway [--seconds 8] [--rounds 3] [--cpu-prof] [--v8 --flag=value,…]
 *
 * @module
 */
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { freePort, waitForHttp } from "@pms/infra";
import { serviceV8Flags } from "@pms/topology";
import { catalog, topology } from "../../services/catalog.ts";
import { UPSTREAMS, upstreamVariable } from "../../services/gateway/config.ts";
import { gatewayPrefix, numberArg, percentile } from "./_util.ts";
import { type CpuProfile, startCpuProfile, summarizeProfile } from "./inspector.ts";
import { memoryMb } from "./process_stats.ts";
import { writeResult } from "./report.ts";
import { ensureWrk, runWrk, warmUp } from "./wrk.ts";

const SECONDS = numberArg("seconds", 8);
const ROUNDS = numberArg("rounds", 3);
const CPU_PROF = Deno.args.includes("--cpu-prof");
const INSPECTOR_PORT = 9294;
/** `--v8 <flags>`: V8 flags added after the catalog's. */
const EXTRA_V8 = Deno.args.includes("--v8") ? Deno.args[Deno.args.indexOf("--v8") + 1] : undefined;
const ROOT = new URL("../../", import.meta.url).pathname;

await ensureWrk();
const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "EdDSA", use: "sig" };
const token = await new SignJWT({ role: "ADMIN", uid: crypto.randomUUID(), sid: "bench" })
  .setProtectedHeader({ alg: "EdDSA", kid: "bench" }).setSubject("bench@test.com")
  .setIssuer("patient-management-auth").setAudience("patient-management")
  .setIssuedAt().setExpirationTime("1h").sign(privateKey);

const upstreamPort = freePort();
const gatewayPort = freePort();
const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
const children: Deno.ChildProcess[] = [];
const tmp = await Deno.makeTempDir({ prefix: "pms-bench-gateway-" });
try {
  children.push(
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-net", "--allow-env", "scripts/bench/fixed_upstream.ts"],
      cwd: ROOT,
      env: { PORT: String(upstreamPort), JWKS: JSON.stringify({ keys: [jwk] }) },
      stdin: "null",
      stdout: "null",
    }).spawn(),
  );
  const spec = topology("gateway");
  children.push(
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...(CPU_PROF ? [`--inspect=127.0.0.1:${INSPECTOR_PORT}`] : []),
        ...spec.permissions,
        "services/gateway/main.ts",
      ],
      cwd: ROOT,
      env: {
        PORT: String(gatewayPort),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        DENO_V8_FLAGS: [serviceV8Flags(catalog, spec), EXTRA_V8].filter(Boolean).join(","),
        ...Object.fromEntries(UPSTREAMS.map((s) => [upstreamVariable(s.name), upstreamUrl])),
      },
      stdin: "null",
      stdout: "null",
    }).spawn(),
  );
  await Promise.all([waitForHttp(`${upstreamUrl}/health`), waitForHttp(`${gatewayUrl}/health`)]);
  const prefix = gatewayPrefix("patient");
  const pathsFile = async (scenario: string, path: string) => {
    const file = `${tmp}/${scenario}.txt`;
    await Deno.writeTextFile(file, `${path}\n`);
    return file;
  };
  // wrk's script and its arguments per scenario; a create's body (about 150 bytes) is a new
  // patient's, answered by the fixed upstream with one patient.
  const scenarios: Record<string, { script: string; args: string[] }> = {
    get: {
      script: "get.lua",
      args: [await pathsFile("get", `${prefix}/patients/${crypto.randomUUID()}`), token],
    },
    list: {
      script: "get.lua",
      args: [await pathsFile("list", `${prefix}/patients?page=1&size=50`), token],
    },
    create: { script: "create.lua", args: [prefix, token] },
  };
  const pids = { gateway: children[1]!.pid, upstream: children[0]!.pid };
  const results: Record<string, { rps: number; p99: number; gateway: number; upstream: number }[]> =
    { get: [], list: [], create: [] };
  for (const [scenario, { script, args }] of Object.entries(scenarios)) {
    await warmUp(gatewayUrl, script, args);
    for (let round = 0; round < ROUNDS; round++) {
      const last = round === ROUNDS - 1;
      const stop = CPU_PROF && last ? await startCpuProfile(INSPECTOR_PORT) : undefined;
      const run = await runWrk({
        scenario,
        target: "gateway",
        connections: 64,
        seconds: SECONDS,
        url: gatewayUrl,
        script,
        args,
        services: { gateway: [pids.gateway], upstream: [pids.upstream] },
      });
      if (stop) {
        const profile: CpuProfile = await stop();
        await writeResult(`gateway-alone-${scenario}.cpuprofile`, profile);
        const line = (by: "area" | "function", top: number) =>
          summarizeProfile(profile, by, top).map((l) => `${l.name} ${l.percent}%`).join(", ");
        console.log(`${scenario}, gateway self time by package: ${line("area", 12)}\n`);
        console.log(`${scenario}, by function: ${line("function", 25)}\n`);
      }
      if (run.errors > 0 || run.non2xx > 0) {
        throw new Error(`${scenario}: ${run.errors} errors, ${run.non2xx} answers not 2xx`);
      }
      const msPer = (percent: number) => percent / 100 * 1000 / run.rps;
      results[scenario]!.push({
        rps: run.rps,
        p99: run.p99,
        gateway: msPer(run.cpu.gateway ?? 0),
        upstream: msPer(run.cpu.upstream ?? 0),
      });
    }
  }
  const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
  console.log("| scenario | req/s | p99 ms | gateway CPU ms/request | upstream CPU ms/request |");
  console.log("|---|---|---|---|---|");
  for (const [scenario, runs] of Object.entries(results)) {
    const show = (pick: (r: (typeof runs)[number]) => number, digits: number) =>
      `${median(runs.map(pick)).toFixed(digits)} (${
        runs.map((r) => pick(r).toFixed(digits)).join(", ")
      })`;
    console.log(
      `| ${scenario} | ${show((r) => r.rps, 0)} | ${show((r) => r.p99, 1)} | ${
        show((r) => r.gateway, 3)
      } | ${show((r) => r.upstream, 3)} |`,
    );
  }
  console.log(
    `\ngateway RSS: peak ${memoryMb(pids.gateway, "VmHWM")} MB, now ${
      memoryMb(pids.gateway, "VmRSS")
    } MB`,
  );
} finally {
  for (const child of children) {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  }
  await Deno.remove(tmp, { recursive: true });
}
