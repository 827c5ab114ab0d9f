import { type Checkpoint, parseCheckpoint } from "../domain/checkpoint.ts";

/**
 * Checkpoints as JSON lines in a file outside the database (`AUDIT_CHECKPOINT_FILE`): appended
 * one line per checkpoint and synced, read whole at start. In a deployment the file sits on a
 * volume the database's owner cannot reach, or is shipped to an object store with write-once
 * retention (S3 Object Lock).
 */
export interface CheckpointFile {
  /** Every checkpoint in the file; lines that are not checkpoints (a torn last line) are skipped. */
  read(): Promise<{ checkpoints: Checkpoint[]; skipped: number }>;
  /** Appends one checkpoint and syncs the file to disk. */
  append(checkpoint: Checkpoint): Promise<void>;
}

/** The checkpoint file at `path` (made on the first append). */
export function checkpointFile(path: string): CheckpointFile {
  // A line torn by a crash is ended before the first append, so the next line stays whole.
  let tailChecked = false;
  const tornTail = async (file: Deno.FsFile) => {
    const size = (await file.stat()).size;
    if (size === 0) return false;
    const last = new Uint8Array(1);
    await file.seek(size - 1, Deno.SeekMode.Start);
    await file.read(last);
    return last[0] !== 0x0a;
  };
  return {
    async read() {
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return { checkpoints: [], skipped: 0 };
        throw error;
      }
      const checkpoints: Checkpoint[] = [];
      let skipped = 0;
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        let checkpoint: Checkpoint | undefined;
        try {
          checkpoint = parseCheckpoint(JSON.parse(line));
        } catch {
          checkpoint = undefined;
        }
        if (checkpoint) checkpoints.push(checkpoint);
        else skipped++;
      }
      return { checkpoints, skipped };
    },
    async append(checkpoint) {
      const { seq, hash, time, keyId, signature } = checkpoint;
      const line = JSON.stringify({ seq, hash, time, keyId, signature }) + "\n";
      let text = line;
      if (!tailChecked) {
        using existing = await Deno.open(path, {
          read: true,
          write: true,
          create: true,
          mode: 0o640,
        });
        if (await tornTail(existing)) text = "\n" + line;
        tailChecked = true;
      }
      using file = await Deno.open(path, { append: true, create: true, mode: 0o640 });
      const bytes = new TextEncoder().encode(text);
      for (let written = 0; written < bytes.length;) {
        written += await file.write(bytes.subarray(written));
      }
      await file.syncData();
    },
  };
}
