import { SMTPServer } from "smtp-server";

/** A real SMTP server on loopback that keeps every message it receives. */
export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:<port>`, for `SMTP_URL`. */
  url: string;
  /** The raw messages received, oldest first. */
  received: string[];
  /** Stops listening. */
  close(): Promise<void>;
}

/** Starts a real SMTP server (`npm:smtp-server`, no auth, no TLS) on `port` (0: a free one). */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      let data = "";
      stream.on("data", (chunk: Uint8Array) => (data += new TextDecoder().decode(chunk)));
      stream.on("end", () => {
        received.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  const bound = (server.server.address() as { port: number }).port;
  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
