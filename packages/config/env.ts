import { z } from "zod";

/** Builders for the kinds of values environment variables carry. */
export const env = {
  /** A TCP port number (0–65535), with a default. */
  port(defaultPort: number) {
    return z.coerce.number({ error: "must be a port number" }).int("must be a port number")
      .min(0, "must be a port number").max(65535, "must be a port number").default(defaultPort);
  },
  /** A positive integer, with a default. */
  positiveInt(defaultValue: number) {
    return z.coerce.number({ error: "must be a positive integer" })
      .int("must be a positive integer").positive("must be a positive integer").default(
        defaultValue,
      );
  },
  /** A whole number from 0, with a default. */
  nonNegativeInt(defaultValue: number) {
    return z.coerce.number({ error: "must be a whole number from 0" })
      .int("must be a whole number from 0").min(0, "must be a whole number from 0").default(
        defaultValue,
      );
  },
  /** An absolute http(s) or postgres URL. */
  url() {
    return z.string().refine((value) => URL.canParse(value), "must be an absolute URL");
  },
  /** A string, with a default. */
  string(defaultValue: string) {
    return z.string().min(1).default(defaultValue);
  },
  /** A boolean written as `true`/`false`/`1`/`0`, with a default. */
  boolean(defaultValue: boolean) {
    return z.enum(["true", "false", "1", "0"], { error: "must be true or false" })
      .transform((value) => value === "true" || value === "1").default(defaultValue);
  },
  /** A log level. */
  logLevel() {
    return z.enum(["debug", "info", "warn", "error"], {
      error: "must be one of debug, info, warn, error",
    }).default("info");
  },
  /** The deployment environment: production refuses development conveniences. */
  appEnv() {
    return z.enum(["development", "test", "production"], {
      error: "must be one of development, test, production",
    }).default("development");
  },
};
