import type { MailMessage } from "./mail_message.ts";

/** The `WELCOME` mail to a newly registered patient. */
export function welcomeMessage(from: string, to: string, name: string): MailMessage {
  return {
    from,
    to,
    subject: "Welcome to our clinic",
    text: `Dear ${name},\n\nyou are now registered with our clinic. ` +
      "Your records are kept safe and only shared with the people who treat you.\n\n" +
      "Kind regards,\nPatient Management\n",
  };
}
