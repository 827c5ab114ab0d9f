import type { MailMessage } from "./mail_message.ts";

/** The appointment mails. */
export type AppointmentMailType =
  | "APPOINTMENT_CONFIRMATION"
  | "APPOINTMENT_CANCELLED"
  | "APPOINTMENT_REMINDER";

/** When an appointment starts, as the patient reads it: in the schedule's time zone. */
export function localStart(start: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(start);
}

const SUBJECTS: Record<AppointmentMailType, string> = {
  APPOINTMENT_CONFIRMATION: "Your appointment is booked",
  APPOINTMENT_CANCELLED: "Your appointment is cancelled",
  APPOINTMENT_REMINDER: "Reminder: your appointment",
};

/**
 * An appointment mail: when, in the schedule's zone, and nothing else about the visit (never its
 * reason: a mailbox is not a medical record).
 */
export function appointmentMessage(
  type: AppointmentMailType,
  from: string,
  to: string,
  name: string,
  appointment: { start: Date; timeZone: string },
): MailMessage {
  const when = localStart(appointment.start, appointment.timeZone);
  const body = type === "APPOINTMENT_CONFIRMATION"
    ? `your appointment is booked for ${when}.`
    : type === "APPOINTMENT_CANCELLED"
    ? `your appointment of ${when} is cancelled. Please contact us to book another time.`
    : `this is a reminder of your appointment on ${when}.`;
  return {
    from,
    to,
    subject: SUBJECTS[type],
    text: `Dear ${name},\n\n${body}\n\nKind regards,\nPatient Management\n`,
  };
}
