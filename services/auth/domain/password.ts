import bcrypt from "bcryptjs";

/** Hashes a password with bcrypt (pure JS `bcryptjs`, so no native build is needed). */
export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. Without a user it compares against a hash of a random
 * string made with the same cost, so an unknown email takes as long as a wrong password.
 */
export async function verifyPassword(
  password: string,
  hash: string | undefined,
  cost: number,
): Promise<boolean> {
  dummyHash ??= bcrypt.hash(crypto.randomUUID(), cost);
  const ok = await bcrypt.compare(password, hash ?? await dummyHash);
  return ok && hash !== undefined;
}
