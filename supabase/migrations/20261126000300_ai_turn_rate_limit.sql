-- Per-user rate limit for AI turns (each turn costs model tokens). The edge function claims a
-- turn before calling the model; a claim over the limit returns false and the function answers 429.

create table public.ai_turns (
  id bigint generated always as identity primary key,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  turn_id text,
  created_at timestamptz not null default now()
);

create index ai_turns_user_id_created_at_idx on public.ai_turns (user_id, created_at desc);

alter table public.ai_turns enable row level security;
revoke all on public.ai_turns from anon, authenticated;
grant select on public.ai_turns to authenticated;
grant all on public.ai_turns to service_role;

-- Users may see their own usage; rows are only written through the claim functions below.
create policy "ai turns: owner reads" on public.ai_turns
  for select to authenticated
  using (user_id = (select auth.uid()));

-- Shared body: count the user's turns in the last minute and record one more if under the limit.
-- The advisory lock serialises concurrent claims of one user so the count cannot be raced.
create function public.claim_ai_turn_for_user(p_user_id uuid, max_per_minute integer, p_turn_id text default null)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  recent integer;
begin
  if p_user_id is null then
    raise exception 'claim_ai_turn: no user' using errcode = '28000';
  end if;
  if max_per_minute is null or max_per_minute < 1 then
    raise exception 'claim_ai_turn: max_per_minute must be >= 1' using errcode = '22023';
  end if;
  perform pg_advisory_xact_lock(hashtextextended(p_user_id::text, 0));
  select count(*) into recent
    from public.ai_turns
   where user_id = p_user_id and created_at > now() - interval '1 minute';
  if recent >= max_per_minute then
    return false;
  end if;
  insert into public.ai_turns (user_id, turn_id) values (p_user_id, p_turn_id);
  return true;
end
$$;

-- For a function holding the user's JWT: claims a turn for auth.uid().
create function public.claim_ai_turn(max_per_minute integer, p_turn_id text default null)
returns boolean
language sql
security definer
set search_path = ''
as $$
  select public.claim_ai_turn_for_user(auth.uid(), max_per_minute, p_turn_id)
$$;

revoke all on function public.claim_ai_turn_for_user(uuid, integer, text) from public, anon, authenticated;
grant execute on function public.claim_ai_turn_for_user(uuid, integer, text) to service_role;
revoke all on function public.claim_ai_turn(integer, text) from public, anon;
grant execute on function public.claim_ai_turn(integer, text) to authenticated, service_role;
