-- One row per trace a user has uploaded for AI chat: where its bytes live in Storage and the
-- locally computed summary the model reads. Rows are private to their owner (RLS).

create table public.traces (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  blob_path text,
  file_name text,
  size_bytes bigint check (size_bytes is null or size_bytes >= 0),
  content_sha256 text check (content_sha256 is null or content_sha256 ~ '^[0-9a-f]{64}$'),
  format text,
  summary jsonb,
  summary_text text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index traces_user_id_created_at_idx on public.traces (user_id, created_at desc);

create function public.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create trigger traces_set_updated_at
  before update on public.traces
  for each row execute function public.set_updated_at();

alter table public.traces enable row level security;

-- Anonymous callers never touch traces; the policies below only name `authenticated`.
revoke all on public.traces from anon;
grant select, insert, update, delete on public.traces to authenticated;
grant all on public.traces to service_role;

-- `(select auth.uid())` is evaluated once per statement instead of once per row.
create policy "traces: owner reads" on public.traces
  for select to authenticated
  using (user_id = (select auth.uid()));

create policy "traces: owner inserts" on public.traces
  for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "traces: owner updates" on public.traces
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "traces: owner deletes" on public.traces
  for delete to authenticated
  using (user_id = (select auth.uid()));
