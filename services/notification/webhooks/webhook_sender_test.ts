import assert from "node:assert/strict";
import { silentLogger } from "@pms/testing";
import type { DueDelivery, WebhookStore } from "../store/webhook_store.ts";
import { createWebhookSender } from "./webhook_sender.ts";

const PATIENT = "0190a5a0-0000-7000-8000-000000000001";

function delivery(overrides: Partial<DueDelivery> = {}): DueDelivery {
  return {
    id: "0190a5a0-0000-7000-8000-0000000000d1",
    eventId: "0190a5a0-0000-7000-8000-0000000000e1",
    type: "patient.updated",
    patientId: PATIENT,
    alsoPatientIds: [],
    body: JSON.stringify({ type: "patient.updated", data: { patientId: PATIENT } }),
    attempts: 0,
    url: "http://receiver.test/hook",
    secret: "whsec_" + btoa("0123456789abcdef0123456789abcdef"),
    ...overrides,
  };
}

/**
 * Runs one round of a sender over `due` (a store that hands them out once, and records what the
 * sender marks), with `fetch` and `disclosed` faked; returns what happened, in order.
 */
async function oneRound(
  due: DueDelivery,
  answer: (steps: string[]) => Promise<Response>,
  disclosed: (steps: string[]) => Promise<void> = (steps) => {
    steps.push("disclosed");
    return Promise.resolve();
  },
): Promise<string[]> {
  const steps: string[] = [];
  let handedOut = false;
  const { promise: roundDone, resolve } = Promise.withResolvers<void>();
  const store = {
    claimDue: () => {
      if (handedOut) {
        resolve();
        return Promise.resolve([]);
      }
      handedOut = true;
      return Promise.resolve([due]);
    },
    markDelivered: (_id: string, status: number) => {
      steps.push(`delivered ${status}`);
      return Promise.resolve();
    },
    markFailed: (_id: string, failure: { statusCode: number | null; error: string }) => {
      steps.push(`failed ${failure.statusCode ?? failure.error}`);
      return Promise.resolve();
    },
  } as unknown as WebhookStore;
  const sender = createWebhookSender({
    store,
    logger: silentLogger(),
    pollMs: 10,
    retrySeconds: [1],
    timeoutMs: 1_000,
    allowInsecure: true,
    resolve: () => Promise.resolve(["127.0.0.1"]),
    disclosed: () => disclosed(steps),
    fetch: () => {
      steps.push("sent");
      return answer(steps);
    },
  });
  sender.start();
  await roundDone;
  await sender.stop();
  return steps;
}

Deno.test("createWebhookSender() records a disclosure before the body leaves", async () => {
  const steps = await oneRound(
    delivery(),
    () => Promise.resolve(new Response(null, { status: 204 })),
  );
  assert.deepEqual(steps, ["disclosed", "sent", "delivered 204"]);
});

Deno.test("createWebhookSender() records an attempt the receiver answers with an error", async () => {
  const steps = await oneRound(
    delivery({ attempts: 1 }),
    () => Promise.resolve(new Response("no", { status: 500 })),
  );
  assert.deepEqual(steps, ["disclosed", "sent", "failed 500"]);
});

Deno.test("createWebhookSender() sends nothing when the disclosure cannot be recorded", async () => {
  const steps = await oneRound(
    delivery(),
    () => Promise.resolve(new Response(null, { status: 204 })),
    () => Promise.reject(new Error("audit outbox unavailable")),
  );
  assert.deepEqual(steps, ["failed audit outbox unavailable"]);
});

Deno.test("createWebhookSender() records no disclosure for an event that names no patient", async () => {
  const steps = await oneRound(
    delivery({ patientId: null, type: "webhook.ping" }),
    () => Promise.resolve(new Response(null, { status: 200 })),
  );
  assert.deepEqual(steps, ["sent", "delivered 200"]);
});
