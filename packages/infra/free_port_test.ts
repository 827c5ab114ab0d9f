import assert from "node:assert/strict";
import { freePort } from "./free_port.ts";

Deno.test("freePort() gives distinct bindable ports below the ephemeral range", () => {
  const range = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range");
  const low = Number(range.trim().split(/\s+/)[0]);
  const ports = Array.from({ length: 50 }, () => freePort());
  assert.equal(new Set(ports).size, 50);
  for (const port of ports) {
    assert.ok(port >= 10_000 && port < low, `${port} is below ${low}`);
    Deno.listen({ hostname: "127.0.0.1", port }).close();
  }
});

Deno.test("freePort() never hands out a port fetch refuses", async () => {
  await assert.rejects(fetch("http://127.0.0.1:10080/"), /blocked/);
  for (let i = 0; i < 2_000; i++) assert.notEqual(freePort(), 10080);
});
