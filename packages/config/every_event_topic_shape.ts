import { shapes } from "./shapes.ts";

/**
 * The variables of a service that follows every event of the clinic, to spread into a
 * `loadConfig` shape: the patient, billing, appointment and clinical topics
 * ({@linkcode shapes.kafka} and each topic's own shape), each with the consumer group the service
 * reads it in (`groupOf(topic)`).
 */
export function everyEventTopicShape(groupOf: (topic: string) => string) {
  return {
    ...shapes.kafka(),
    ...shapes.consumerGroup("patient", groupOf("patient")),
    ...shapes.billingTopic(),
    ...shapes.consumerGroup("billing", groupOf("billing")),
    ...shapes.appointmentTopic(),
    ...shapes.consumerGroup("appointment", groupOf("appointment")),
    ...shapes.clinicalTopic(),
    ...shapes.consumerGroup("clinical", groupOf("clinical")),
  };
}
