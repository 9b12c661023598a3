-- A turn runs once. The client names each turn (turnId, a UUID); until now only the socket that
-- received it remembered it, so the same turnId sent on a second socket (or to another function
-- instance, or by another user) ran the model again and streamed a second event sequence under
-- the same turnId. The claim that enforces the rate limit now also claims the turn id, once, in
-- one transaction: the unique index decides between concurrent claims from any instance.
--
-- The claim functions change their result from boolean to the outcome, so they are replaced.

-- Rows written before this migration may repeat a turn id (the bug above): keep the first.
delete from public.ai_turns later
 using public.ai_turns earlier
 where later.turn_id = earlier.turn_id and later.id > earlier.id;

update public.ai_turns set turn_id = 'legacy-' || id where turn_id is null;
alter table public.ai_turns alter column turn_id set not null;
create unique index ai_turns_turn_id_key on public.ai_turns (turn_id);

drop function public.claim_ai_turn(integer, text);
drop function public.claim_ai_turn_for_user(uuid, integer, text);

-- Outcome of a claim:
--   'claimed'       the turn is recorded for the user; run it
--   'duplicate'     this turn id was claimed before (by anyone); do not run it again
--   'rate_limited'  the user already has max_per_minute turns in the last minute; nothing recorded
create function public.claim_ai_turn_for_user(p_user_id uuid, p_turn_id text, max_per_minute integer)
returns text
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
  if p_turn_id is null or p_turn_id = '' then
    raise exception 'claim_ai_turn: a turn id is required' using errcode = '22023';
  end if;
  if max_per_minute is null or max_per_minute < 1 then
    raise exception 'claim_ai_turn: max_per_minute must be >= 1' using errcode = '22023';
  end if;
  -- Serialises one user's claims so the count below cannot be raced.
  perform pg_advisory_xact_lock(hashtextextended(p_user_id::text, 0));
  -- A replay is refused as such, before it could count against the limit.
  if exists (select 1 from public.ai_turns where turn_id = p_turn_id) then
    return 'duplicate';
  end if;
  select count(*) into recent
    from public.ai_turns
   where user_id = p_user_id and created_at > now() - interval '1 minute';
  if recent >= max_per_minute then
    return 'rate_limited';
  end if;
  -- Another user's concurrent claim of the same id holds a different lock: the index decides.
  insert into public.ai_turns (user_id, turn_id) values (p_user_id, p_turn_id)
    on conflict (turn_id) do nothing;
  if not found then
    return 'duplicate';
  end if;
  return 'claimed';
end
$$;

-- For a function holding the user's JWT: claims the turn for auth.uid().
create function public.claim_ai_turn(p_turn_id text, max_per_minute integer)
returns text
language sql
security definer
set search_path = ''
as $$
  select public.claim_ai_turn_for_user(auth.uid(), p_turn_id, max_per_minute)
$$;

revoke all on function public.claim_ai_turn_for_user(uuid, text, integer) from public, anon, authenticated;
grant execute on function public.claim_ai_turn_for_user(uuid, text, integer) to service_role;
revoke all on function public.claim_ai_turn(text, integer) from public, anon;
grant execute on function public.claim_ai_turn(text, integer) to authenticated, service_role;
