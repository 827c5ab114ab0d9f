import type { z } from "zod";

/** What the configuration reference says about one variable of one service. */
export interface VariableDescription {
  /** The schema's `.describe()` text, found on it or on the schema it wraps; "" when none. */
  description: string;
  /** True when an empty environment fails validation for it (no default, not optional). */
  required: boolean;
  /** The value an unset variable gets (after any transform); undefined when none. */
  defaultValue: unknown;
}

interface WrapperDef {
  innerType?: z.ZodType;
  in?: z.ZodType;
}

function descriptionOf(schema: z.ZodType): string {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 10; depth++) {
    if (current.description) return current.description;
    const def = current._zod.def as WrapperDef;
    current = def.innerType ?? def.in;
  }
  return "";
}

/**
 * Reads one variable's schema as `loadConfig` sees it: its description (walking through
 * `.optional()`, `.default()` and transforms, so `.describe()` may come anywhere in the chain), its
 * default and whether it is required.
 *
 * @example
 * ```ts
 * import { describeVariable, env } from "@pms/config";
 * describeVariable(env.port(8080).describe("HTTP port"));
 * // { description: "HTTP port", required: false, defaultValue: 8080 }
 * ```
 */
export function describeVariable(schema: z.ZodType): VariableDescription {
  const parsed = schema.safeParse(undefined);
  return {
    description: descriptionOf(schema),
    required: !parsed.success,
    defaultValue: parsed.success ? parsed.data : undefined,
  };
}
