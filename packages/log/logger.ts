/** Log levels, in increasing order of severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Options for {@linkcode Logger}. */
export interface LoggerOptions {
  /** The service name written on every line. */
  service: string;
  /** The lowest level written; defaults to `info`. */
  level?: LogLevel;
  /** Fields written on every line. */
  fields?: Record<string, unknown>;
  /** Where lines go; defaults to standard output (errors to standard error). */
  write?: (line: string, level: LogLevel) => void;
}

const encoder = new TextEncoder();

function writeLine(line: string, level: LogLevel): void {
  const bytes = encoder.encode(line + "\n");
  (level === "error" ? Deno.stderr : Deno.stdout).writeSync(bytes);
}

/** A structured logger writing one JSON object per line. */
export class Logger {
  readonly #service: string;
  readonly #level: LogLevel;
  readonly #fields: Record<string, unknown>;
  readonly #write: (line: string, level: LogLevel) => void;

  /** Creates a logger for one service. */
  constructor(options: LoggerOptions) {
    this.#service = options.service;
    this.#level = options.level ?? "info";
    this.#fields = options.fields ?? {};
    this.#write = options.write ?? writeLine;
  }

  /** A logger that adds `fields` to every line, for example a request id. */
  child(fields: Record<string, unknown>): Logger {
    return new Logger({
      service: this.#service,
      level: this.#level,
      fields: { ...this.#fields, ...fields },
      write: this.#write,
    });
  }

  /** True when lines of `level` are written (to skip building fields that would be dropped). */
  enabled(level: LogLevel): boolean {
    return SEVERITY[level] >= SEVERITY[this.#level];
  }

  /** Writes a debug line. */
  debug(msg: string, fields?: Record<string, unknown>): void {
    this.#log("debug", msg, fields);
  }

  /** Writes an info line. */
  info(msg: string, fields?: Record<string, unknown>): void {
    this.#log("info", msg, fields);
  }

  /** Writes a warning line. */
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.#log("warn", msg, fields);
  }

  /** Writes an error line; an `err` field that is an Error is reduced to its name and message. */
  error(msg: string, fields?: Record<string, unknown>): void {
    this.#log("error", msg, fields);
  }

  #log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (SEVERITY[level] < SEVERITY[this.#level]) return;
    const line: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.#service,
      msg,
      ...this.#fields,
    };
    for (const [key, value] of Object.entries(fields ?? {})) {
      line[key] = value instanceof Error ? describeError(value) : value;
    }
    this.#write(JSON.stringify(line), level);
  }
}

function describeError(error: Error): Record<string, unknown> {
  const described: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) described.code = code;
  return described;
}
