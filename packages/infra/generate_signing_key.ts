import { exportPKCS8, generateKeyPair } from "jose";

/** A fresh Ed25519 private key as PKCS8 PEM, for auth's `JWT_PRIVATE_KEY`. */
export async function generateSigningKey(): Promise<string> {
  const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  return await exportPKCS8(privateKey);
}
