import { DomainError } from "./mod.ts";

/** Another account or patient has the email (in any case): a `conflict`. */
export class DuplicateEmailError extends DomainError {
  /** Creates the error. */
  constructor() {
    super("conflict", "Email address already exists");
    this.name = "DuplicateEmailError";
  }
}
