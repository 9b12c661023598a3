-- What a client may store with a trace. `summary` is a TraceSummary as JSON (the shape is in
-- shared-importer/src/summary/summary-types.ts; functions/_shared/trace-summary-schema.ts checks it
-- field by field wherever a function writes or reads it). The database bounds what any writer may
-- put there: an object of at most 1 MiB of JSON (real summaries are tens of KB), and a summary text
-- of at most 256 KiB (the text the desktop renders fits a budget of a few thousand tokens).
-- NOT VALID: rows written before are left as they are; every insert and update is checked.
alter table public.traces
  add constraint traces_summary_is_bounded_object
    check (summary is null or (jsonb_typeof(summary) = 'object' and octet_length(summary::text) <= 1048576)) not valid,
  add constraint traces_summary_text_is_bounded
    check (summary_text is null or octet_length(summary_text) <= 262144) not valid;
