/** Thrown when a bearer token is missing, malformed, badly signed, expired or not for us. */
export class InvalidTokenError extends Error {
  /** Creates the error with a message safe to show a client. */
  constructor(message = "Invalid or expired token", options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidTokenError";
  }
}
