-- The folded address (`pms_fold_address`) kept beside the row, computed once per write as
-- `name_key` is. Duplicate detection compared `pms_fold_address(address)` of every candidate row
-- it read (two regular expressions and `unaccent` each): with many patients of the same name, a
-- create's duplicate count spent most of its statement there.
alter table patients
  add column address_key text generated always as (pms_fold_address(address)) stored;
