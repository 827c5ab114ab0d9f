/** What a hosted service's isolate is started with. */
export interface HostedServiceData {
  /** The URL of the module that exports the service's manifest. */
  module: string;
  /** The manifest's export. */
  exportName: string;
  /** The service's environment (its own, not the process's). */
  env: Record<string, string>;
}

/** From the host to an isolate. */
export type HostMessage = { type: "stop" };

/** From an isolate to the host. */
export type IsolateMessage = { type: "started"; port: number } | { type: "stopped" };
