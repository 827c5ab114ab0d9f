import { dictionary } from "@zxcvbn-ts/language-common";

/** The policy's messages, word for word as the contract gives them. */
export const PASSWORD_MESSAGES = {
  tooShort: "Password must be at least 12 characters",
  tooLong: "Password cannot exceed 72 bytes",
  containsEmail: "Password must not contain the email name",
  tooCommon: "Password is too common",
} as const;

// The common-password list of zxcvbn-ts (`@zxcvbn-ts/language-common`, ~49,000 passwords from
// public breach corpora, kept by the zxcvbn-ts maintainers): a maintained list, not one of ours.
let common: Set<string> | undefined;

/**
 * The first rule `password` breaks, or undefined (NIST SP 800-63B §5.1.1.2): at least 12
 * characters; at most 72 bytes (bcrypt reads no further); not containing the email's name (the
 * part before `@`, any case, from 3 characters); not a commonly used password (any case).
 */
export function passwordProblem(password: string, email: string): string | undefined {
  if ([...password].length < 12) return PASSWORD_MESSAGES.tooShort;
  if (new TextEncoder().encode(password).byteLength > 72) return PASSWORD_MESSAGES.tooLong;
  const name = email.split("@")[0]?.toLowerCase() ?? "";
  const lower = password.toLowerCase();
  if (name.length >= 3 && lower.includes(name)) return PASSWORD_MESSAGES.containsEmail;
  common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  if (common.has(lower)) return PASSWORD_MESSAGES.tooCommon;
  return undefined;
}
