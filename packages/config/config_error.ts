/** One environment variable that failed validation. */
export interface ConfigProblem {
  /** The environment variable's name, for example `PORT`. */
  variable: string;
  /** What is wrong with it. */
  message: string;
}

/** Thrown by {@linkcode loadConfig} when one or more environment variables are invalid. */
export class ConfigError extends Error {
  /** Every variable that failed, in schema order. */
  readonly problems: ConfigProblem[];

  /** Creates the error; its message names every failing variable. */
  constructor(problems: ConfigProblem[]) {
    super(
      `Invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join("; ")}`,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}
