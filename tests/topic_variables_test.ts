/**
 * Every topic's variables follow one rule (`topicVariables`): each service reads `<TOPIC>_TOPIC`
 * for every topic `services/catalog.json` says it produces or consumes and `<TOPIC>_GROUP_ID` for
 * every one it consumes, and no topic or group variable of any other name.
 *
 * @module
 */
import assert from "node:assert/strict";
import { topicVariables } from "@pms/topology";
import { serviceVariables } from "../scripts/docs/configuration.ts";
import { catalog } from "../services/catalog.ts";

Deno.test("every service reads <TOPIC>_TOPIC of each topic it uses and <TOPIC>_GROUP_ID of each it consumes, nothing else", async () => {
  const variables = await serviceVariables();
  for (const spec of catalog.services) {
    const read = variables.filter((v) =>
      v.service === spec.name && /_(TOPIC|GROUP_ID)$/.test(v.name)
    )
      .map((v) => v.name);
    const expected = [
      ...(spec.produces ?? []).map((topic) => topicVariables(topic).topic),
      ...(spec.consumes ?? []).flatMap(({ topic }) => Object.values(topicVariables(topic))),
    ];
    assert.deepEqual(read.toSorted(), expected.toSorted(), spec.name);
  }
});
