-- A webhook's version: every change to it (a PATCH, a rotated secret) moves it by one, so that a
-- PATCH can be made conditional on the version the client last read (If-Match, ETag).
alter table webhooks add column version bigint not null default 1;
