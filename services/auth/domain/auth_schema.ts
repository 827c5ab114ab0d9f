import { z } from "@hono/zod-openapi";
import { isSafeText } from "@pms/http";
import { idParam, pageParams } from "@pms/http/openapi";
import { ROLES } from "@pms/jwt";

const email = z.string({ error: "Email is required" }).trim().min(1, "Email is required")
  .max(254, "Email should be valid").email("Email should be valid");

/** `POST /login`. */
export const LoginRequest = z.strictObject({
  email,
  password: z.string({ error: "Password is required" }).min(1, "Password is required")
    .max(256, "Password is too long"),
}).openapi("LoginRequest", {
  example: { email: "testuser@test.com", password: "password123" },
});

/** What login and refresh answer. */
export const TokenResponse = z.object({
  token: z.string().openapi({ description: "The access token (JWT, EdDSA)" }),
  refreshToken: z.string().openapi({ description: "Opaque; spent by one refresh" }),
  expiresIn: z.number().int().openapi({ description: "Seconds the access token lives" }),
}).openapi("TokenResponse");

/** `POST /refresh`. */
export const RefreshRequest = z.strictObject({
  refreshToken: z.string({ error: "Refresh token is required" }).min(1, "Refresh token is required")
    .max(1024, "Invalid refresh token"),
}).openapi("RefreshRequest");

const password = z.string({ error: "Password is required" }).min(1, "Password is required")
  .max(1024, "Password cannot exceed 72 bytes");

/** `POST /me/password`. */
export const ChangePasswordRequest = z.strictObject({
  currentPassword: z.string({ error: "Current password is required" })
    .min(1, "Current password is required").max(1024, "Current password is incorrect"),
  newPassword: password,
}).openapi("ChangePasswordRequest");

const role = z.enum(ROLES, { error: `Role must be one of ${ROLES.join(", ")}` });
const name = z.string({ error: "Name is required" }).trim().min(1, "Name is required")
  .max(100, "Name cannot exceed 100 characters")
  .refine(isSafeText, "Name contains invalid characters");

/** `POST /users`. */
export const CreateUserRequest = z.strictObject({
  email,
  name,
  role,
  password,
}).openapi("CreateUserRequest", {
  example: {
    email: "ada.lovelace@clinic.example",
    name: "Ada Lovelace",
    role: "CLINICIAN",
    password: "analytical engine 1843",
  },
});

/** `PATCH /users/{id}`. */
export const PatchUserRequest = z.strictObject({
  name: name.optional(),
  role: role.optional(),
  disabled: z.boolean({ error: "Disabled must be true or false" }).optional(),
}).openapi("PatchUserRequest");

/** `PUT /users/{id}/password`. */
export const ResetPasswordRequest = z.strictObject({ password }).openapi("ResetPasswordRequest");

/** A user as the API shows it. */
export const UserResponse = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  mfaEnabled: z.boolean().openapi({ description: "A TOTP authenticator is active" }),
}).openapi("User");

/** `GET /me`. */
export const MeResponse = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
}).openapi("Me");

/** The `{id}` of a user. */
export const UserIdParam = idParam("user");

/** `GET /users` query. */
export function userListQuery(maxSize: number) {
  return z.object({
    ...pageParams(maxSize),
    search: z.string().trim().min(1, "search must not be empty")
      .max(100, "search must be at most 100 characters")
      .refine(isSafeText, "search contains invalid characters").optional(),
    role: role.optional(),
  });
}

/** A login's answer for a user with MFA: no token yet, a second step to take. */
export const MfaChallengeResponse = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string().openapi({
    description: "Opaque; spent by `POST /login/mfa`, dead after 5 wrong codes",
  }),
  expiresIn: z.number().int().openapi({ description: "Seconds the mfaToken lives (300)" }),
}).openapi("MfaChallenge");

const code = z.string({ error: "Code is required" }).min(1, "Code is required")
  .max(64, "Invalid code");

/** `POST /login/mfa`: the second step, a TOTP code or a recovery code. */
export const MfaLoginRequest = z.strictObject({
  mfaToken: z.string({ error: "mfaToken is required" }).min(1, "mfaToken is required")
    .max(256, "Invalid mfaToken"),
  code: code.optional(),
  recoveryCode: z.string({ error: "Invalid recovery code" }).min(1, "Invalid recovery code")
    .max(64, "Invalid recovery code").optional(),
}).superRefine((body, ctx) => {
  if ((body.code === undefined) === (body.recoveryCode === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["code"],
      message: "Give either code or recoveryCode",
    });
  }
}).openapi("MfaLoginRequest", { example: { mfaToken: "…", code: "123456" } });

/** `POST /me/mfa/totp`: the new, not yet active, secret. */
export const MfaEnrolResponse = z.object({
  secret: z.string().openapi({ description: "Base32 (RFC 4648), for typing into an app" }),
  otpauthUri: z.string().openapi({ description: "`otpauth://totp/…`, for a QR code" }),
}).openapi("MfaEnrolment");

/** `POST /me/mfa/totp/verify`. */
export const MfaVerifyRequest = z.strictObject({ code }).openapi("MfaVerifyRequest");

/** What a verified enrolment answers: shown once. */
export const RecoveryCodesResponse = z.object({
  recoveryCodes: z.array(z.string()).openapi({ description: "10 single-use codes" }),
}).openapi("RecoveryCodes");

/** `DELETE /me/mfa`. */
export const DisableMfaRequest = z.strictObject({
  password: z.string({ error: "Password is required" }).min(1, "Password is required")
    .max(1024, "Invalid code"),
  code,
}).openapi("DisableMfaRequest");
