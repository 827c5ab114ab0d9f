import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { newSecret, signatureHeaders } from "./signature.ts";

Deno.test("signatureHeaders() signs as Standard Webhooks says, checked with node:crypto", async () => {
  // The specification's own example secret, id, timestamp and body.
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const body = '{"test": 2432232314}';
  const headers = await signatureHeaders(secret, id, body, new Date(1614265330_000));
  assert.equal(headers["webhook-id"], id);
  assert.equal(headers["webhook-timestamp"], "1614265330");
  const expected = createHmac("sha256", Buffer.from(secret.slice(6), "base64"))
    .update(`${id}.1614265330.${body}`).digest("base64");
  assert.equal(headers["webhook-signature"], `v1,${expected}`);
  assert.equal(expected, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
});

Deno.test("newSecret() is whsec_ and 32 random bytes", () => {
  const secret = newSecret();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.notEqual(secret, newSecret());
});
