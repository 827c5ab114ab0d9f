-- The folds in PL/pgSQL, with the same expressions. A SQL function is inlined into the query that
-- calls it only when its body calls nothing less stable than it is declared; `unaccent` is STABLE,
-- so `pms_fold` (IMMUTABLE, for the generated columns and their indexes) never was. Every
-- statement that called it then planned and started its body again: four times in a create (the
-- two generated columns and the duplicate count's folded name and address). PL/pgSQL plans the
-- body once per connection and evaluates it as a simple expression: an insert into a table with
-- both generated columns took 52 µs as SQL and 24 µs as PL/pgSQL (6 µs without them). The results
-- are the same, so the stored keys and their indexes stay valid. A PL/pgSQL body finds names
-- through the caller's search_path (a restore runs with an empty one and computes the generated
-- columns), so every name outside pg_catalog is qualified.
create or replace function pms_fold(value text) returns text
  language plpgsql immutable strict parallel safe as $$
begin
  return regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, value)),
                        '\s+', ' ', 'g');
end $$;

create or replace function pms_fold_address(value text) returns text
  language plpgsql immutable strict parallel safe as $$
begin
  return btrim(regexp_replace(public.pms_fold(value), '[^[:alnum:]]+', ' ', 'g'));
end $$;
