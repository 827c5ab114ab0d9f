// Patient merges followed (topic `patient`): the merge events applied, and which appointments each
// merge moved to its target, so an unmerge moves back exactly those (the schema lives once, in
// @pms/events).
export { createPatientMergeTables as default } from "@pms/events";
