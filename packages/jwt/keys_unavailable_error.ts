/** Thrown when the signing keys could not be fetched, so a token can be neither accepted nor refused. */
export class KeysUnavailableError extends Error {
  /** Creates the error. */
  constructor(options?: ErrorOptions) {
    super("Token keys are unavailable", options);
    this.name = "KeysUnavailableError";
  }
}
