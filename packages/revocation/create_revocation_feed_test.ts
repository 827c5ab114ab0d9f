import assert from "node:assert/strict";
import { silentLogger } from "@pms/testing";
import { createRevocationFeed } from "./create_revocation_feed.ts";
import { RevocationState } from "./revocation_state.ts";
import type { RevocationPage } from "./revocation_page.ts";

Deno.test("createRevocationFeed() follows the cursor, reads full pages at once and survives failures", async () => {
  const asked: string[] = [];
  const pages: (RevocationPage | number)[] = [
    { cursor: 2, more: true, revocations: [{ sessionId: "a", expires: 4e9 }] },
    { cursor: 3, more: false, revocations: [{ userId: "u", issuedBefore: 1, expires: 4e9 }] },
    503,
    { cursor: 4, more: false, revocations: [{ sessionId: "b", expires: 4e9 }] },
  ];
  const fake: typeof fetch = (input) => {
    asked.push(new URL(String(input)).search);
    const next = pages.shift() ?? { cursor: 4, more: false, revocations: [] };
    return Promise.resolve(
      typeof next === "number" ? new Response("down", { status: next }) : Response.json(next),
    );
  };
  const state = new RevocationState({ logger: silentLogger() });
  const feed = createRevocationFeed({
    url: "http://auth.test/revocations",
    state,
    logger: silentLogger(),
    pollMs: 10,
    fetch: fake,
  });
  await feed.start();
  // Start reads until a page is not full.
  assert.deepEqual(asked, ["?since=0", "?since=2"]);
  assert.equal(state.size, 2);
  assert.equal(state.stale, false);
  while (asked.length < 5) await new Promise((r) => setTimeout(r, 5));
  await feed.stop();
  assert.deepEqual(asked.slice(2, 5), ["?since=3", "?since=3", "?since=4"]);
  assert.equal(state.size, 3);
});

Deno.test("createRevocationFeed() starts without an answer, rejects none, and stops at once", async () => {
  const state = new RevocationState({ logger: silentLogger() });
  const feed = createRevocationFeed({
    url: "http://auth.test/revocations",
    state,
    logger: silentLogger(),
    pollMs: 60_000,
    fetch: () => Promise.reject(new TypeError("connection refused")),
  });
  await feed.start();
  assert.equal(state.stale, true);
  await assert.rejects(feed.poll(), TypeError);
  await feed.stop();
});
