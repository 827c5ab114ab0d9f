import type { Context } from "hono";
import { linkHeader, type LinkHeaderInput } from "./link_header.ts";

/** A page already serialised (by the database) as the JSON array the API sends. */
export interface JsonPage {
  json: string;
  /** How many match in all. */
  total: number;
}

/** `200` with a page already serialised as JSON, its `X-Total-Count` and its `Link`. */
export function pagedJson(
  c: Context,
  page: JsonPage,
  link: Omit<LinkHeaderInput, "total">,
): Response {
  c.header("X-Total-Count", String(page.total));
  c.header("Link", linkHeader({ ...link, total: page.total }));
  c.header("Content-Type", "application/json");
  return c.body(page.json, 200);
}
