/** The environment variables that name a topic and a consumer group on it. */
export interface TopicVariables {
  /** `<TOPIC>_TOPIC`: the topic's name (tests give each system topics of its own). */
  topic: string;
  /** `<TOPIC>_GROUP_ID`: the consumer group a consuming service reads the topic in. */
  group: string;
}

/**
 * The one naming rule of every topic's variables: the catalog's topic name in upper case, each
 * character that cannot be in a variable name as `_`, then `_TOPIC` or `_GROUP_ID`
 * (`patient` → `PATIENT_TOPIC`, `PATIENT_GROUP_ID`; `audit.checkpoints` →
 * `AUDIT_CHECKPOINTS_TOPIC`).
 */
export function topicVariables(topic: string): TopicVariables {
  const stem = topic.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return { topic: `${stem}_TOPIC`, group: `${stem}_GROUP_ID` };
}
