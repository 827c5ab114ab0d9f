/**
 * Evidence that survives its database, on real processes, PostgreSQL and Kafka: the audit
 * service signs checkpoints of its hash chain with a key the database never sees and keeps them
 * outside it (topic and file). Someone with the database owner's rights who deletes the newest
 * records, rewrites the chain with recomputed hashes, or slips a forged checkpoint in, gets
 * `verify` to answer `ok: false`, also after the service restarts.
 */
import assert from "node:assert/strict";
import canonicalize from "canonicalize";
import { base64url, exportJWK, importJWK, importPKCS8 } from "jose";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import { chainHash } from "@pms/audit";
import { databaseUrl, generateSigningKey } from "@pms/infra";
import { DEMO_USERS, eventually, type Harness, startHarness } from "./_system.ts";

interface Checkpoint {
  seq: number;
  hash: string;
  time: string;
  keyId: string;
  signature: string;
}

interface Verified {
  ok: boolean;
  records: number;
  lastHash: string | null;
  firstBadId?: string;
  checkpoints: { checked: number; ok: boolean; firstBadSeq?: number };
}

const SERVICES = ["auth", "audit", "gateway"];
// The chain's writer lock (services/audit/store/audit_store.ts): a rewrite no append interleaves.
const CHAIN_LOCK = 0x61756431;

/** Starts auth, audit and the gateway with checkpoints every 5 records or 1 s, and a file. */
async function start(dir: string, key: string) {
  const file = `${dir}/checkpoints.jsonl`;
  const h = await startHarness({
    services: SERVICES,
    env: {
      audit: {
        AUDIT_CHECKPOINT_EVERY: "5",
        AUDIT_CHECKPOINT_SECONDS: "1",
        AUDIT_CHECKPOINT_FILE: file,
        AUDIT_CHECKPOINT_KEY: key,
      },
    },
  });
  // The database's owner: a superuser on the test server (triggers can be switched off).
  const url = h.system.databaseUrls.audit!;
  const server = Deno.env.get("PMS_TEST_POSTGRES_URL");
  const owner = postgres(server ? databaseUrl(server, new URL(url).pathname.slice(1)) : url, {
    max: 2,
    onnotice: () => {},
  });
  return { h, owner, file };
}

async function login(h: Harness, role: keyof typeof DEMO_USERS): Promise<string> {
  const [email, password] = DEMO_USERS[role];
  const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
  assert.equal(res.status, 200, `login ${role}`);
  return (await res.json()).token;
}

async function verify(h: Harness, token: string): Promise<Verified> {
  const res = await h.call("/api/audit/verify", { token });
  assert.equal(res.status, 200);
  return await res.json();
}

async function checkpoints(h: Harness, token: string, query = "size=100"): Promise<Checkpoint[]> {
  const res = await h.call(`/api/audit/checkpoints?${query}`, { token });
  assert.equal(res.status, 200);
  return await res.json();
}

/** Stores `n` records: the audit service records each of its own reads. */
async function records(h: Harness, token: string, n: number) {
  for (let i = 0; i < n; i++) {
    const res = await h.call("/api/audit?size=1", { token });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
}

/** Waits for a checkpoint at or above `seq`; resolves with every checkpoint, newest first. */
function checkpointAtLeast(h: Harness, token: string, seq: number): Promise<Checkpoint[]> {
  return eventually(`a checkpoint at seq ${seq} or above`, async () => {
    const list = await checkpoints(h, token);
    return list.some((c) => c.seq >= seq) ? list : undefined;
  }, 20_000);
}

Deno.test("audit checkpoints: listed newest first, signed with the configured key, written to the topic and the file", async () => {
  const dir = await Deno.makeTempDir();
  const key = await generateSigningKey();
  const { h, owner, file } = await start(dir, key);
  try {
    const auditor = await login(h, "AUDITOR");
    await records(h, auditor, 12);
    const list = await checkpointAtLeast(h, auditor, 12);

    const page = await h.call("/api/audit/checkpoints?page=0&size=1", { token: auditor });
    assert.equal(page.status, 200);
    const total = Number(page.headers.get("X-Total-Count"));
    assert.ok(total >= 2, `X-Total-Count ${total}`);
    assert.match(page.headers.get("Link") ?? "", /\/api\/audit\/checkpoints\?.*page=1.*rel="next"/);
    const [first, ...rest]: Checkpoint[] = await page.json();
    assert.equal(rest.length, 0);
    const second: Checkpoint[] = await (await h.call("/api/audit/checkpoints?page=1&size=1", {
      token: auditor,
    })).json();
    assert.ok(first!.seq > second[0]!.seq, "newest first");
    assert.deepEqual(list.map((c) => c.seq), list.map((c) => c.seq).toSorted((a, b) => b - a));

    // Each verifies with the public half of the key given, over the RFC 8785 JSON.
    const jwk = await exportJWK(await importPKCS8(key, "EdDSA", { extractable: true }));
    const publicKey = await importJWK(
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
      "EdDSA",
    ) as CryptoKey;
    for (const checkpoint of list) {
      assert.deepEqual(Object.keys(checkpoint).toSorted(), [
        "hash",
        "keyId",
        "seq",
        "signature",
        "time",
      ]);
      const { signature, ...signed } = checkpoint;
      const holds = await crypto.subtle.verify(
        "Ed25519",
        publicKey,
        new Uint8Array(base64url.decode(signature)),
        new TextEncoder().encode(canonicalize(signed)!),
      );
      assert.ok(holds, `checkpoint ${checkpoint.seq} verifies`);
      const [row] = await owner<{ hash: string }[]>`
        select hash from audit_records where seq = ${checkpoint.seq}`;
      assert.equal(row?.hash, checkpoint.hash, `the stored hash at ${checkpoint.seq}`);
    }

    // Outside the database: in the file and on the topic.
    const lines = (await Deno.readTextFile(file)).trim().split("\n").map((l) => JSON.parse(l));
    for (const checkpoint of list) assert.ok(lines.some((l) => l.seq === checkpoint.seq));
    const kafka = new Kafka({ brokers: h.system.kafka!.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(`${h.system.kafka!.auditTopic}.checkpoints`);
      assert.ok(Number(offsets[0]!.offset) >= list.length, "published to the checkpoint topic");
    } finally {
      await admin.disconnect();
    }

    const intact = await verify(h, auditor);
    assert.equal(intact.ok, true);
    assert.equal(intact.checkpoints.ok, true);
    assert.ok(intact.checkpoints.checked >= list.length);
    assert.equal("firstBadSeq" in intact.checkpoints, false);

    // Documented: the list, and verify's checkpoints.
    const docs = await (await h.call("/api-docs/audit")).json();
    assert.ok(docs.paths["/audit/checkpoints"]?.get, Object.keys(docs.paths).join(", "));
    const verifyDoc = docs.paths["/audit/verify"].get.responses["200"].content["application/json"];
    assert.ok(JSON.stringify(verifyDoc).includes("firstBadSeq"));

    // Roles and paging like the other audit lists; the read itself is recorded.
    const desk = await login(h, "FRONT_DESK");
    const denied = await h.call("/api/audit/checkpoints", { token: desk });
    assert.equal(denied.status, 403);
    assert.deepEqual(await denied.json(), { message: "Forbidden" });
    const bad = await h.call("/api/audit/checkpoints?size=0", { token: auditor });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const admin2 = await login(h, "ADMIN");
    assert.equal((await h.call("/api/audit/checkpoints", { token: admin2 })).status, 200);
    await eventually("audit.checkpoints.read recorded", async () => {
      const rows = await owner`
        select 1 from audit_records where action = 'audit.checkpoints.read' and outcome = 'DENIED'`;
      return rows.length > 0 ? true : undefined;
    });
  } finally {
    await owner.end();
    await h.system.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("audit checkpoints: the newest records deleted by the database owner make verify answer ok false, also after a restart", async () => {
  const dir = await Deno.makeTempDir();
  const { h, owner, file } = await start(dir, await generateSigningKey());
  try {
    const auditor = await login(h, "AUDITOR");
    await records(h, auditor, 12);
    const list = await checkpointAtLeast(h, auditor, 12);
    const newest = list[0]!.seq;
    assert.equal((await verify(h, auditor)).ok, true);

    // With the owner's rights: the append-only trigger switched off, the newest records deleted
    // (holding the chain's writer lock, so that no append in flight links to a deleted record).
    const from = newest - 2;
    await owner.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${CHAIN_LOCK})`;
      await tx`set local session_replication_role = replica`;
      await tx`delete from audit_records where seq >= ${from}`;
    });
    const after = await verify(h, auditor);
    assert.equal(after.ok, false, JSON.stringify(after));
    assert.equal(after.checkpoints.ok, false);
    assert.ok(
      after.checkpoints.firstBadSeq! >= from && after.checkpoints.firstBadSeq! <= newest,
      `firstBadSeq ${after.checkpoints.firstBadSeq} in ${from}..${newest}`,
    );
    // Records stored since are numbered after the deleted ones, not in their place: the gap
    // stays in the chain, and the chain's own check names the first record past it.
    await records(h, auditor, 2);
    const later = await verify(h, auditor);
    assert.equal(later.ok, false);
    assert.ok(later.firstBadId, JSON.stringify(later));
    const [past] = await owner<{ seq: string }[]>`
      select seq::text from audit_records where id = ${later.firstBadId!}`;
    assert.ok(Number(past!.seq) > newest, `seq ${past!.seq} after ${newest}`);

    // A restart forgets nothing: the checkpoints come back from the topic (the file is gone too).
    await h.system.stopService("audit");
    await Deno.remove(file);
    await h.system.startService("audit");
    const restarted = await verify(h, auditor);
    assert.equal(restarted.ok, false, JSON.stringify(restarted));
    assert.equal(restarted.checkpoints.ok, false);
    assert.ok(restarted.checkpoints.checked >= list.length);
    assert.ok(
      restarted.checkpoints.firstBadSeq! >= from && restarted.checkpoints.firstBadSeq! <= newest,
      `firstBadSeq ${restarted.checkpoints.firstBadSeq} in ${from}..${newest}`,
    );
  } finally {
    await owner.end();
    await h.system.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

// The record as the API returns it, without its hash (services/audit/store/audit_store.ts).
const RECORD_JSON = `json_build_object(
  'id', id, 'seq', seq,
  'time', to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'actor', case when actor_email is null then null
           else json_build_object('userId', actor_user_id, 'email', actor_email,
                                  'role', actor_role) end,
  'action', action, 'outcome', outcome, 'patientIds', to_json(patient_ids),
  'service', service, 'clientAddress', client_address, 'requestId', request_id,
  'traceId', trace_id, 'details', details)`;

Deno.test("audit checkpoints: a forged checkpoint and a chain rewritten with recomputed hashes make verify answer ok false", async () => {
  const dir = await Deno.makeTempDir();
  const { h, owner } = await start(dir, await generateSigningKey());
  try {
    const auditor = await login(h, "AUDITOR");
    await records(h, auditor, 12);
    const list = await checkpointAtLeast(h, auditor, 12);
    assert.equal((await verify(h, auditor)).ok, true);

    // A checkpoint whose fields no longer match its signature, slipped onto the topic.
    const real = list[0]!;
    const forged = { ...real, time: new Date(Date.parse(real.time) + 1_000).toISOString() };
    const kafka = new Kafka({ brokers: h.system.kafka!.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: `${h.system.kafka!.auditTopic}.checkpoints`,
        messages: [{ key: String(forged.seq), value: JSON.stringify(forged) }],
      });
    } finally {
      await producer.disconnect();
    }
    const signatureFails = await eventually("the forged checkpoint seen", async () => {
      const report = await verify(h, auditor);
      return report.ok ? undefined : report;
    });
    assert.equal("firstBadId" in signatureFails, false);
    assert.deepEqual(
      { ok: signatureFails.checkpoints.ok, firstBadSeq: signatureFails.checkpoints.firstBadSeq },
      { ok: false, firstBadSeq: forged.seq },
    );

    // The owner rewrites record 3 and recomputes every hash after it: the chain is consistent.
    const rewriteFrom = 3;
    await owner.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${CHAIN_LOCK})`;
      await tx`set local session_replication_role = replica`;
      await tx`update audit_records set details = '{"rewritten": true}' where seq = ${rewriteFrom}`;
      const rows = await tx<{ j: Record<string, unknown>; prev_hash: string }[]>`
        select ${tx.unsafe(RECORD_JSON)} as j, prev_hash from audit_records
        where seq >= ${rewriteFrom} order by seq`;
      let prev = rows[0]!.prev_hash;
      for (const row of rows) {
        const hash = chainHash(prev, row.j);
        await tx`update audit_records set prev_hash = ${prev}, hash = ${hash}
                 where seq = ${row.j.seq as number}`;
        prev = hash;
      }
    });
    const rewritten = await verify(h, auditor);
    assert.equal(rewritten.ok, false);
    const firstCovering = list.map((c) => c.seq).filter((seq) => seq >= rewriteFrom)
      .toSorted((a, b) => a - b)[0];
    assert.equal(rewritten.checkpoints.ok, false);
    assert.equal(rewritten.checkpoints.firstBadSeq, firstCovering);
    // The next record links to the head this service stored, not to the rewritten one.
    await records(h, auditor, 1);
    assert.ok((await verify(h, auditor)).firstBadId, "the rewritten head is named");
  } finally {
    await owner.end();
    await h.system.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
