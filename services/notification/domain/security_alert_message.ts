import type { MailMessage } from "./mail_message.ts";

/**
 * The `BREAK_GLASS` alert to the security officer: that a restricted record was opened in an
 * emergency, and where to review it. No patient data, not even the patient's id: the review
 * queue of the audit service shows the grant to those who may see it.
 */
export function securityAlertMessage(from: string, to: string, at: Date): MailMessage {
  return {
    from,
    to,
    subject: "Break-glass access granted",
    text: `A break-glass grant opened a restricted record at ${at.toISOString()}.\n\n` +
      "Review it in the break-glass queue of the audit trail " +
      "(GET /api/audit/break-glass?reviewed=false).\n\nPatient Management\n",
  };
}
