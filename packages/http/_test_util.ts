import { Logger } from "@pms/log";

/** A logger that keeps its lines for assertions. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return {
    logger: new Logger({ service: "test", write: (line) => lines.push(JSON.parse(line)) }),
    lines,
  };
}
