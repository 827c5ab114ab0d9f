import { isUuid } from "@pms/ids";
import { type CallContext, changedFields, type ChangeScope, commitChange } from "@pms/audit";
import type { Sql, Tx } from "@pms/db";
import {
  encodeEncounterEvent,
  type EncounterEventType,
  EVENT_OUTBOX_CHANNEL,
  outboxInsert,
} from "@pms/events";
import { DomainError, invalidField, notFound, requireVersion } from "@pms/http";
import type { PatientDirectory } from "@pms/patient_directory";
import type { z } from "zod";
import {
  type EncounterFilter,
  endEncounter,
  findEncounter,
  findNote,
  findObservation,
  hasDraftNotes,
  insertAddendum,
  insertEncounter,
  insertNote,
  insertObservation,
  listEncounters,
  listNotes,
  listObservations,
  noteAuthor,
  type NoteFields,
  type NoteFilter,
  type ObservationFilter,
  queueCharges,
  signNote,
  updateNote,
} from "../store/clinical_store.ts";
import type { AppointmentDirectory } from "./appointment_directory.ts";
import type {
  Addendum,
  CreateEncounter,
  CreateNote,
  CreateObservation,
  Encounter,
  FinishEncounter,
  Note,
  Observation,
  PatchNote,
} from "./clinical_schema.ts";
import { contentHash } from "./content_hash.ts";
import { VITAL_SIGNS, vitalSignProblem } from "./vital_signs.ts";

const NOT_IN_PROGRESS = "Encounter is not in progress";
const UNSIGNED_NOTES = "Encounter has unsigned notes";
const NOTE_SIGNED = "Note is signed";
const NOTE_NOT_SIGNED = "Note is not signed";
const NOT_AUTHOR = "Only the note's author may change or sign it";

/** Who asks, and what the request's change commits with (`callContext` of `@pms/audit`). */
export type { CallContext };

/** What the use cases need beyond the database. */
export interface ClinicalServiceOptions {
  patients: PatientDirectory;
  appointments: AppointmentDirectory;
  /** The clock (tests move it). */
  now?: () => Date;
}

/** The clinical use cases: each throws a `DomainError` of its kind. */
export type ClinicalService = ReturnType<typeof createClinicalService>;

/**
 * The clinical use cases on the service's database. A change commits in one transaction with its
 * `EncounterEvent` (outbox, key = patient id), its charge request and its audit record.
 */
export function createClinicalService(sql: Sql, options: ClinicalServiceOptions) {
  const now = options.now ?? (() => new Date());

  const change = <T>(work: (scope: ChangeScope) => Promise<T>) => commitChange(sql, work);

  async function emit(
    tx: Tx,
    wake: (channel: string) => void,
    type: EncounterEventType,
    e: Encounter,
    traceparent?: string,
  ): Promise<void> {
    const payload = encodeEncounterEvent({
      eventId: crypto.randomUUID(),
      eventType: type,
      occurredAt: new Date(),
      encounterId: e.id,
      patientId: e.patientId,
      appointmentId: e.appointmentId ?? "",
      version: e.version,
    });
    await tx`${outboxInsert(tx, [{ key: e.patientId, payload, traceparent }])}`;
    wake(EVENT_OUTBOX_CHANNEL);
  }

  async function encounterOf(tx: Tx, id: string, lock = false): Promise<Encounter> {
    const encounter = await findEncounter(tx, id, lock);
    if (!encounter) throw notFound("Encounter");
    return encounter;
  }

  async function noteOf(tx: Tx, id: string, lock = false): Promise<Note> {
    const note = await findNote(tx, id, lock);
    if (!note) throw notFound("Note");
    return note;
  }

  function inProgress(encounter: Encounter): void {
    if (encounter.status !== "IN_PROGRESS") throw new DomainError("conflict", NOT_IN_PROGRESS);
  }

  function someContent(f: NoteFields): void {
    if (!f.subjective.trim() && !f.objective.trim() && !f.assessment.trim() && !f.plan.trim()) {
      throw invalidField(
        "subjective",
        "At least one of subjective, objective, assessment, plan is required",
      );
    }
  }

  return {
    /**
     * The patient of an encounter or a note (undefined for none or a malformed id): asked before
     * a change to it, so that a change to a restricted patient's record is refused before it is
     * made.
     */
    async patientOfRecord(
      table: "encounters" | "notes",
      id: string,
    ): Promise<string | undefined> {
      if (!isUuid(id)) return undefined;
      const [row] = await sql<{ patientId: string }[]>`
        select patient_id::text as "patientId" from ${sql(table)} where id = ${id}`;
      return row?.patientId;
    },
    async startEncounter(
      input: z.infer<typeof CreateEncounter>,
      ctx: CallContext,
    ): Promise<Encounter> {
      await options.patients.requireActive(input.patientId, ctx.token);
      const appointmentId = input.appointmentId ?? null;
      if (appointmentId) {
        const appointment = await options.appointments.find(appointmentId, ctx.token);
        if (!appointment) throw notFound("Appointment");
        if (appointment.patientId !== input.patientId) {
          throw new DomainError("conflict", "Appointment belongs to another patient");
        }
        if (appointment.status !== "BOOKED" && appointment.status !== "ARRIVED") {
          throw new DomainError("conflict", "Appointment is not BOOKED or ARRIVED");
        }
      }
      return await change(async ({ tx, wake, audit }) => {
        const encounter = await insertEncounter(tx, {
          id: crypto.randomUUID(),
          patientId: input.patientId,
          appointmentId,
          class: input.class,
          reason: input.reason ?? null,
          practitionerId: ctx.userId,
        });
        await emit(tx, wake, "ENCOUNTER_STARTED", encounter, ctx.traceparent);
        await audit(ctx.audit, [encounter.patientId], { encounterId: encounter.id });
        return encounter;
      });
    },

    /**
     * Resolves when a list's `patientId` filter names a patient that exists and is not deleted;
     * a `not_found` "Patient not found" otherwise (asked with the caller's `token`).
     */
    requirePatient: (patientId: string, token: string) =>
      options.patients.requireKnown(patientId, token),

    encounter: (id: string) => encounterOf(sql, id),

    async listEncounters(filter: EncounterFilter) {
      return await listEncounters(sql, filter);
    },

    async finishEncounter(
      id: string,
      input: FinishEncounter,
      ctx: CallContext,
    ): Promise<Encounter> {
      return await change(async ({ tx, wake, audit }) => {
        const current = await encounterOf(tx, id, true);
        requireVersion(current.version, "Encounter", ctx.expectedVersions);
        inProgress(current);
        if (await hasDraftNotes(tx, id)) throw new DomainError("conflict", UNSIGNED_NOTES);
        const encounter = await endEncounter(tx, id, "FINISHED");
        const charges = input.charges ?? [];
        if (charges.length > 0) {
          await queueCharges(tx, {
            encounterId: id,
            patientId: encounter.patientId,
            serviceDate: encounter.startedAt.slice(0, 10),
            charges,
          });
        }
        await emit(tx, wake, "ENCOUNTER_FINISHED", encounter, ctx.traceparent);
        await audit(ctx.audit, [encounter.patientId], {
          encounterId: id,
          charges: charges.length,
        });
        return encounter;
      });
    },

    async cancelEncounter(id: string, ctx: CallContext): Promise<Encounter> {
      return await change(async ({ tx, wake, audit }) => {
        const current = await encounterOf(tx, id, true);
        requireVersion(current.version, "Encounter", ctx.expectedVersions);
        inProgress(current);
        const encounter = await endEncounter(tx, id, "CANCELLED");
        await emit(tx, wake, "ENCOUNTER_CANCELLED", encounter, ctx.traceparent);
        await audit(ctx.audit, [encounter.patientId], { encounterId: id });
        return encounter;
      });
    },

    async addObservation(
      encounterId: string,
      input: z.infer<typeof CreateObservation>,
      ctx: CallContext,
    ): Promise<Observation> {
      const problem = vitalSignProblem(input.code, input.unit, input.value);
      if (problem) throw invalidField(problem.field, problem.message);
      const effectiveAt = input.effectiveAt ? new Date(input.effectiveAt) : now();
      // A second's allowance for the client's clock; later is the future.
      if (effectiveAt.getTime() > now().getTime() + 1_000) {
        throw invalidField("effectiveAt", "effectiveAt must not be in the future");
      }
      return await change(async ({ tx, audit }) => {
        const encounter = await encounterOf(tx, encounterId, true);
        inProgress(encounter);
        const observation = await insertObservation(tx, {
          id: crypto.randomUUID(),
          encounterId,
          patientId: encounter.patientId,
          code: input.code,
          display: VITAL_SIGNS[input.code]!.display,
          value: input.value,
          unit: input.unit,
          effectiveAt,
        });
        await audit(ctx.audit, [encounter.patientId], {
          encounterId,
          observationId: observation.id,
          code: observation.code,
        });
        return observation;
      });
    },

    async observation(id: string): Promise<Observation> {
      const observation = await findObservation(sql, id);
      if (!observation) throw notFound("Observation");
      return observation;
    },

    async listObservations(filter: ObservationFilter) {
      return await listObservations(sql, filter);
    },

    async addNote(
      encounterId: string,
      input: z.infer<typeof CreateNote>,
      ctx: CallContext,
    ): Promise<Note> {
      someContent(input);
      return await change(async ({ tx, audit }) => {
        const encounter = await encounterOf(tx, encounterId, true);
        inProgress(encounter);
        const note = await insertNote(tx, {
          id: crypto.randomUUID(),
          encounterId,
          patientId: encounter.patientId,
          authorId: ctx.userId,
          ...input,
        });
        await audit(ctx.audit, [note.patientId], { encounterId, noteId: note.id });
        return note;
      });
    },

    note: (id: string) => noteOf(sql, id),

    /**
     * Refuses (`403`) a caller who is not the note's author, before anything else is checked;
     * nothing for a note that does not exist (its change answers `404`).
     */
    async requireAuthor(id: string, userId: string | undefined): Promise<void> {
      const author = await noteAuthor(sql, id);
      if (author !== undefined && author !== userId) throw new DomainError("forbidden", NOT_AUTHOR);
    },

    async listNotes(filter: NoteFilter) {
      return await listNotes(sql, filter);
    },

    async patchNote(
      id: string,
      patch: z.infer<typeof PatchNote>,
      ctx: CallContext,
    ): Promise<Note> {
      // A field absent keeps its value; null clears it (RFC 7396).
      const merged = (given: string | null | undefined, kept: string) =>
        given === undefined ? kept : given ?? "";
      return await change(async ({ tx, audit }) => {
        const current = await noteOf(tx, id, true);
        if (current.authorId !== ctx.userId) throw new DomainError("forbidden", NOT_AUTHOR);
        const fields: NoteFields = {
          subjective: merged(patch.subjective, current.subjective),
          objective: merged(patch.objective, current.objective),
          assessment: merged(patch.assessment, current.assessment),
          plan: merged(patch.plan, current.plan),
        };
        // 400 before 412 before 409.
        someContent(fields);
        requireVersion(current.version, "Note", ctx.expectedVersions);
        if (current.status === "SIGNED") throw new DomainError("conflict", NOTE_SIGNED);
        // A draft is a write to its encounter: refused once the encounter finished or was
        // cancelled (the encounter locked, so a cancel running beside it is seen).
        inProgress(await encounterOf(tx, current.encounterId, true));
        const changed = changedFields<NoteFields>(current, fields);
        // Field names only (never the text); a PATCH that changes nothing keeps the version.
        await audit(ctx.audit, [current.patientId], { noteId: id, fields: changed });
        return changed.length === 0 ? current : await updateNote(tx, id, fields);
      });
    },

    async signNote(id: string, ctx: CallContext): Promise<Note> {
      return await change(async ({ tx, audit }) => {
        const current = await noteOf(tx, id, true);
        if (current.authorId !== ctx.userId) throw new DomainError("forbidden", NOT_AUTHOR);
        if (current.status === "SIGNED") throw new DomainError("conflict", NOTE_SIGNED);
        inProgress(await encounterOf(tx, current.encounterId, true));
        const note = await signNote(tx, id, ctx.userId, await contentHash(current));
        await audit(ctx.audit, [note.patientId], { noteId: id });
        return note;
      });
    },

    async addAddendum(noteId: string, text: string, ctx: CallContext): Promise<Addendum> {
      return await change(async ({ tx, audit }) => {
        const note = await noteOf(tx, noteId, true);
        if (note.status !== "SIGNED") throw new DomainError("conflict", NOTE_NOT_SIGNED);
        const addendum = await insertAddendum(tx, {
          id: crypto.randomUUID(),
          noteId,
          text,
          authorId: ctx.userId,
        });
        await audit(ctx.audit, [note.patientId], {
          noteId,
          addendumId: addendum.id,
        });
        return addendum;
      });
    },
  };
}
