import type { DueMessage } from "../store/notification_store.ts";
import { appointmentMessage } from "./appointment_message.ts";
import { invoiceMessage } from "./invoice_message.ts";
import type { MailMessage } from "./mail_message.ts";
import { securityAlertMessage } from "./security_alert_message.ts";
import { welcomeMessage } from "./welcome_message.ts";

/**
 * The mail of a due notification, by its type (`WELCOME`, `INVOICE`, the appointment mails).
 *
 * @throws {Error} for a type without a mail, or an `INVOICE` without its invoice (the sender
 * records the attempt as failed).
 */
export function composeMail(from: string, message: DueMessage): MailMessage {
  switch (message.type) {
    case "WELCOME":
      return welcomeMessage(from, message.recipient, message.recipientName);
    case "INVOICE":
      if (!message.invoice) throw new Error("INVOICE notification without its invoice");
      return invoiceMessage(from, message.recipient, message.recipientName, message.invoice);
    case "APPOINTMENT_CONFIRMATION":
    case "APPOINTMENT_CANCELLED":
    case "APPOINTMENT_REMINDER":
      if (!message.appointment) throw new Error(`${message.type} notification without its time`);
      return appointmentMessage(
        message.type,
        from,
        message.recipient,
        message.recipientName,
        message.appointment,
      );
    case "BREAK_GLASS":
      return securityAlertMessage(from, message.recipient, new Date());
    default:
      throw new Error(`no mail for notification type ${message.type}`);
  }
}
