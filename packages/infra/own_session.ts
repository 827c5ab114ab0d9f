let setsid: boolean | undefined;

/**
 * `[cmd, args]` to spawn `command` in a session of its own (util-linux `setsid`, which execs in
 * place, so the child's pid is the command's): a terminal's Ctrl-C or a signal to the launcher's
 * process group then reaches only the launcher, which stops its children itself, in order
 * (services before the broker they consume from, the broker and the database last). Without
 * `setsid` on the machine the command runs as it is.
 */
export function ownSession(command: string, args: string[]): [string, string[]] {
  setsid ??= (() => {
    try {
      return Deno.statSync("/usr/bin/setsid").isFile;
    } catch {
      return false;
    }
  })();
  return setsid ? ["setsid", [command, ...args]] : [command, args];
}
