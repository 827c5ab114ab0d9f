// The outbox of encounter events for topic `clinical` (the schema lives once, in @pms/events).
export { createEventOutbox as default } from "@pms/events";
