import assert from "node:assert/strict";
import { ListPageCache } from "./list_page_cache.ts";

const page = (json: string) => ({ json, total: 1, ids: [] });
/** The cache's own tests never ask for the version. */
const version = () => Promise.resolve("1");

Deno.test("ListPageCache drops the least recently used page past its bound", () => {
  const cache = new ListPageCache(2, version);
  cache.set("a", "1", page("[a]"));
  cache.set("b", "1", page("[b]"));
  assert.equal(cache.get("a")?.page.json, "[a]");
  cache.set("c", "1", page("[c]"));
  assert.equal(cache.size, 2);
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get("a")?.page.json, "[a]");
  assert.equal(cache.get("c")?.page.json, "[c]");
});

Deno.test("ListPageCache replaces a key's page and version", () => {
  const cache = new ListPageCache(2, version);
  cache.set("a", "1", page("[old]"));
  cache.set("a", "2", page("[new]"));
  assert.equal(cache.size, 1);
  assert.deepEqual(cache.get("a"), { version: "2", page: page("[new]") });
});

Deno.test("ListPageCache(0) keeps nothing", () => {
  const cache = new ListPageCache(0, version);
  cache.set("a", "1", page("[a]"));
  assert.equal(cache.size, 0);
  assert.equal(cache.get("a"), undefined);
});
