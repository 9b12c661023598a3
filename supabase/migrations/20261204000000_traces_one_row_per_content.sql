-- A trace opened twice (or on two machines) is one row per user: the desktop upserts its row by
-- (user_id, content_sha256), the sha256 of the trace's original bytes. Rows without a hash stay
-- unconstrained (NULLs are distinct).
create unique index traces_user_id_content_sha256_key on public.traces (user_id, content_sha256);
