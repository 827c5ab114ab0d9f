import assert from "node:assert/strict";
import { formatMoney } from "./format_money.ts";

Deno.test("formatMoney() places the currency's minor units exactly", () => {
  assert.equal(formatMoney(12_500, "USD"), "USD 125.00");
  assert.equal(formatMoney(1, "EUR"), "EUR 0.01");
  assert.equal(formatMoney(10, "USD"), "USD 0.10");
  assert.equal(formatMoney(0, "USD"), "USD 0.00");
  assert.equal(formatMoney(1_000_000_000_000, "USD"), "USD 10000000000.00");
  assert.equal(formatMoney(9_007_199_254_740_991, "USD"), "USD 90071992547409.91");
  assert.equal(formatMoney(5_000, "JPY"), "JPY 5000");
  assert.equal(formatMoney(1_234, "KRW"), "KRW 1234");
  assert.equal(formatMoney(1_234, "KWD"), "KWD 1.234");
  assert.equal(formatMoney(-250, "USD"), "USD -2.50");
  assert.throws(() => formatMoney(1.5, "USD"), RangeError);
});
