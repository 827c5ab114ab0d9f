/**
 * The one signature algorithm tokens may use. Verifiers refuse every other `alg`, which closes
 * `alg: none` and HS256-with-the-public-key confusion.
 */
export const TOKEN_ALGORITHM = "EdDSA";
