/** The `p`th percentile of an ascending list (NaN when it is empty). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Logs in as the seeded user through the gateway and returns the token. */
export async function loginSeededUser(gateway: string): Promise<string> {
  const res = await fetch(`${gateway}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "testuser@test.com", password: "password123" }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}
