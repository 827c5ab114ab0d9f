// Patient merges followed (topic `patient`): the merge events applied, and which encounters,
// observations and notes each merge moved to its target, so an unmerge moves back exactly those.
// A signed note's content stays frozen; a merge may still re-point it to the patient it belongs to.
import type { Tx } from "@pms/db";
import { createPatientMergeTables } from "@pms/events";

/** Creates the merge tables and lets a merge re-point a signed note. */
export default async function patientMerges(sql: Tx): Promise<void> {
  await createPatientMergeTables(sql);
  await sql.unsafe(`
    create or replace function notes_signed_frozen() returns trigger language plpgsql as $$
    begin
      if old.status = 'SIGNED' then
        if tg_op = 'UPDATE' and (to_jsonb(new) - array['patient_id', 'version', 'updated_at'])
            = (to_jsonb(old) - array['patient_id', 'version', 'updated_at']) then
          return new;
        end if;
        raise exception 'Note is signed' using errcode = 'P0001';
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$;`);
}
