import assert from "node:assert/strict";
import { InvalidTokenError, type TokenClaims } from "@pms/jwt";
import { Logger } from "@pms/log";
import { RevocationState } from "./revocation_state.ts";

/** A state on a fake clock, and the log lines it wrote. */
function setup() {
  let now = Date.UTC(2026, 0, 1, 8);
  const lines: { level: string; msg: string }[] = [];
  const logger = new Logger({
    service: "test",
    level: "debug",
    write: (line) => lines.push(JSON.parse(line)),
  });
  const state = new RevocationState({ logger, now: () => now });
  return {
    state,
    lines,
    advance: (ms: number) => void (now += ms),
    /** Claims of a token issued `ageMs` ago. */
    token: (ageMs: number, sid = "s1", uid = "u1"): TokenClaims => ({
      sub: "clinician@test.com",
      uid,
      role: "CLINICIAN",
      sid,
      iat: Math.floor((now - ageMs) / 1000),
      exp: Math.floor((now - ageMs) / 1000) + 900,
      iss: "i",
      aud: "a",
    }),
    seconds: () => Math.floor(now / 1000),
  };
}

const refuses = (state: RevocationState, claims: TokenClaims) =>
  assert.throws(() => state.check(claims), InvalidTokenError);

Deno.test("RevocationState refuses old tokens while the source is stale, and logs it once per spell", () => {
  const t = setup();
  // Not yet heard (a service that just started): young tokens pass, older ones do not; quiet.
  t.state.check(t.token(59_000));
  refuses(t.state, t.token(61_000));
  assert.equal(t.state.stale, true);
  assert.equal(t.lines.length, 0);

  t.state.heard([]);
  assert.equal(t.state.stale, false);
  t.state.check(t.token(10 * 60_000));

  // 30 s without an answer is still fresh; past it, tokens older than 60 s are refused.
  t.advance(30_000);
  t.state.check(t.token(10 * 60_000));
  t.advance(1);
  assert.equal(t.state.stale, true);
  // (`iat` is whole seconds: a token's age is known to within one.)
  t.state.check(t.token(59_000));
  refuses(t.state, t.token(61_000));
  refuses(t.state, t.token(10 * 60_000));
  t.state.noteStaleness();
  assert.deepEqual(t.lines.map((l) => l.level), ["warn"], "one line for the whole spell");
  assert.match(t.lines[0]!.msg, /revocation source not heard/);
  assert.doesNotMatch(JSON.stringify(t.lines), /clinician|u1|s1/, "no user or session in it");

  // Heard again: trusted again, the recovery said once; a new spell is said again.
  t.state.heard([]);
  t.state.check(t.token(10 * 60_000));
  assert.deepEqual(t.lines.map((l) => l.level), ["warn", "info"]);
  t.advance(31_000);
  refuses(t.state, t.token(10 * 60_000));
  assert.deepEqual(t.lines.map((l) => l.level), ["warn", "info", "warn"]);
});

Deno.test("RevocationState says a never-heard source is stale once it has been 30 s since the start", () => {
  const t = setup();
  t.advance(30_000);
  t.state.noteStaleness();
  assert.equal(t.lines.length, 0);
  t.advance(1);
  t.state.noteStaleness();
  t.state.noteStaleness();
  refuses(t.state, t.token(61_000));
  assert.deepEqual(t.lines.map((l) => l.level), ["warn"]);
});

Deno.test("RevocationState refuses an ended session's tokens and a revoked user's older ones", () => {
  const t = setup();
  const expires = t.seconds() + 930;
  t.state.heard([
    { sessionId: "ended", expires },
    { userId: "u2", issuedBefore: t.seconds(), expires },
  ]);
  refuses(t.state, t.token(1_000, "ended"));
  t.state.check(t.token(1_000, "other"));
  refuses(t.state, t.token(1_000, "s2", "u2"));
  t.state.check(t.token(0, "s3", "u2"));
  assert.equal(t.state.size, 2);

  // Entries go once every token they refuse has expired.
  t.advance(930_000);
  t.state.heard([]);
  assert.equal(t.state.size, 2, "kept up to their expiry");
  t.advance(1_000);
  t.state.heard([]);
  assert.equal(t.state.size, 0);
});
