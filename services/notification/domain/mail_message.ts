/** A mail ready for the transport. */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}
