-- Patient merge: a source patient merged into a target is hidden like a deleted one (lists,
-- lookups, duplicates, email uniqueness) and names its target; each merge keeps what an unmerge
-- needs to put both patients back. Dismissed duplicate pairs are never proposed again.
alter table patients add column merged_into uuid references patients (id);

alter table patient_history drop constraint patient_history_change_check;
alter table patient_history add constraint patient_history_change_check check (change in
  ('CREATED', 'UPDATED', 'DELETED', 'RESTORED', 'MERGED', 'MERGED_INTO', 'UNMERGED'));

create table patient_merges (
  id uuid primary key,
  source_id uuid not null references patients (id),
  target_id uuid not null references patients (id),
  reason text not null,
  merged_by text not null,
  merged_at timestamptz not null default now(),
  -- Both patients' versions right after the merge: an unmerge needs both unchanged since.
  source_version int not null,
  target_version int not null,
  -- The target's fields before the merge, as the API shows them.
  target_before jsonb not null,
  -- The source's memberships (moved to the target), and the groups the target joined by the move.
  memberships jsonb not null,
  joined_groups uuid[] not null,
  unmerged_at timestamptz,
  unmerged_by text
);
-- A source is merged at most once at a time.
create unique index patient_merges_open on patient_merges (source_id) where unmerged_at is null;
create index patient_merges_target on patient_merges (target_id) where unmerged_at is null;

-- A pair a person said are different people; `low_id` < `high_id`.
create table duplicate_dismissals (
  low_id uuid not null references patients (id),
  high_id uuid not null references patients (id),
  dismissed_by text not null,
  dismissed_at timestamptz not null default now(),
  primary key (low_id, high_id),
  check (low_id < high_id)
);
