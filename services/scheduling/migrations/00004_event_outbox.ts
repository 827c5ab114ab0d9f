// The outbox of appointment events for topic `appointment` (the schema lives once, in @pms/events).
export { createEventOutbox as default } from "@pms/events";
