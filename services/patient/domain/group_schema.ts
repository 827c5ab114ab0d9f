import { idParam, RestrictedMember } from "@pms/http/openapi";
import { z } from "@hono/zod-openapi";
import { isSafeText } from "@pms/http";

/** The kinds of group. */
export const GROUP_KINDS = ["FAMILY", "OTHER"] as const;

/** A member's relationship within its group. */
export const RELATIONSHIPS = [
  "HEAD",
  "SPOUSE",
  "PARTNER",
  "PARENT",
  "CHILD",
  "GUARDIAN",
  "SIBLING",
  "OTHER",
] as const;

const KIND_MESSAGE = `Kind must be one of ${GROUP_KINDS.join(", ")}`;
const RELATIONSHIP_MESSAGE = `Relationship must be one of ${RELATIONSHIPS.join(", ")}`;

const name = z.string({
  error: (issue) => issue.input == null ? "Name is required" : "Name must be a string",
}).trim().min(1, "Name is required").max(100, "Name cannot exceed 100 characters")
  .refine(isSafeText, "Name contains invalid characters")
  .openapi({ example: "The Lovelace family" });

/** The body of `POST /groups`. Unknown fields are refused. */
export const CreateGroup = z.strictObject({
  name,
  kind: z.enum(GROUP_KINDS, { error: KIND_MESSAGE }),
}).openapi("CreateGroupRequest");

/**
 * The body of `PATCH /groups/{id}`: the new name. A group's kind is fixed; an `id` or `kind`
 * sent back from a read is ignored.
 */
export const RenameGroup = z.strictObject({
  id: z.unknown().optional(),
  kind: z.unknown().optional(),
  members: z.unknown().optional(),
  name,
}).openapi("RenameGroupRequest");

/** The body of `POST /groups/{id}/members`. */
export const AddMember = z.strictObject({
  patientId: z.guid({
    error: (issue) => issue.input == null ? "Patient id is required" : "Patient id must be a UUID",
  }),
  relationship: z.enum(RELATIONSHIPS, {
    error: (issue) => issue.input == null ? "Relationship is required" : RELATIONSHIP_MESSAGE,
  }),
}).openapi("AddGroupMemberRequest");

/** A member as the API returns it. */
export const Member = z.object({
  patientId: z.string(),
  name: z.string(),
  relationship: z.enum(RELATIONSHIPS),
}).openapi("GroupMember");

/** A group with its members (by name). */
export const Group = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(GROUP_KINDS),
  members: z.array(z.union([Member, RestrictedMember])),
}).openapi("Group");

/** A group as lists show it. */
export const GroupSummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(GROUP_KINDS),
  memberCount: z.number().int().openapi({ description: "Members not deleted" }),
}).openapi("GroupSummary");

/** One of a patient's groups. */
export const PatientGroup = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(GROUP_KINDS),
  relationship: z.enum(RELATIONSHIPS),
}).openapi("PatientGroup");

/** The `{id}` path parameter of a group. */
export const GroupIdParam = idParam("group");

/** The `{id}` and `{patientId}` path parameters of a membership. */
export const MemberParams = GroupIdParam.extend({
  patientId: z.guid({ error: "Invalid patient id" }).openapi({
    param: { name: "patientId", in: "path" },
  }),
});
