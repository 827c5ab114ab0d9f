/** The scheduling rows of the role matrix. */
export const SCHEDULING_ROLES = {
  /** Schedules read, slots; appointments read, book, change, status. */
  staff: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
  /** Schedules create, update. */
  admin: ["ADMIN"],
} as const;
