import assert from "node:assert/strict";
import { Hono } from "hono";
import { bearerToken } from "./bearer_token.ts";

Deno.test("bearerToken() reads the token of the Authorization field, or none", async () => {
  const app = new Hono().get("/", (c) => c.text(bearerToken(c)));
  const token = async (headers: HeadersInit) => await (await app.request("/", { headers })).text();
  assert.equal(await token({ Authorization: "Bearer abc.def" }), "abc.def");
  assert.equal(await token({ authorization: "bearer   abc" }), "abc");
  assert.equal(await token({}), "");
});
