import assert from "node:assert/strict";
import { topicVariables } from "./topic_variables.ts";

Deno.test("topicVariables() names every topic's variables by one rule: <TOPIC>_TOPIC and <TOPIC>_GROUP_ID", () => {
  assert.deepEqual(topicVariables("patient"), {
    topic: "PATIENT_TOPIC",
    group: "PATIENT_GROUP_ID",
  });
  assert.deepEqual(topicVariables("billing").topic, "BILLING_TOPIC");
  assert.deepEqual(topicVariables("audit").group, "AUDIT_GROUP_ID");
  assert.deepEqual(topicVariables("audit.checkpoints").topic, "AUDIT_CHECKPOINTS_TOPIC");
});
