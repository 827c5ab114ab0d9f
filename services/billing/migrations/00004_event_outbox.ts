// The outbox of billing events for topic `billing` (the schema lives once, in @pms/events).
export { createEventOutbox as default } from "@pms/events";
