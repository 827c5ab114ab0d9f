/** Why a billing operation was refused: the routes answer 404, 409 or 400 (with its field). */
export class BillingProblem extends Error {
  /** Creates the problem. */
  constructor(
    readonly kind: "not-found" | "conflict" | "invalid",
    message: string,
    /** For `invalid`: the request field at fault. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "BillingProblem";
  }
}
