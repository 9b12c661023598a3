-- A tool round no longer depends on the socket that sent its question. Until now the socket kept
-- the question and history in memory to invoke the next round, so results could only go on the
-- socket that sent the turn: a connection that dropped while the desktop ran the tools lost the
-- answer. The turn's row now keeps its question (recorded with its first tool request), the next
-- round reads it from there, and any socket of the user may hand results over. A replay of results
-- already accepted (the desktop cannot know whether they arrived before a drop) is acknowledged
-- without running the round again.

alter table public.ai_turns
  -- {traceId, prompt, history} of a turn that called tools, for its later rounds.
  add column question jsonb;

drop function public.record_tool_request(uuid, text, integer, jsonb, jsonb, integer);

-- process-ai-turn (service role): the round `p_step` awaits results; the first request also keeps
-- the turn's question. Answers false when the turn is not this user's, or was stopped (a Stop that
-- came between two polls of a round whose model then asked for tools): nothing is recorded.
create function public.record_tool_request(
  p_user_id uuid,
  p_turn_id text,
  p_step integer,
  p_calls jsonb,
  p_transcript jsonb,
  p_next_seq integer,
  p_question jsonb
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.ai_turns
     set tool_step = p_step,
         tool_calls = p_calls,
         tool_transcript = p_transcript,
         next_seq = p_next_seq,
         tool_awaiting_since = now(),
         question = coalesce(question, p_question)
   where turn_id = p_turn_id and user_id = p_user_id and stopped_at is null;
  return found;
end
$$;

revoke all on function public.record_tool_request(uuid, text, integer, jsonb, jsonb, integer, jsonb) from public, anon, authenticated;
grant execute on function public.record_tool_request(uuid, text, integer, jsonb, jsonb, integer, jsonb) to service_role;

-- As before (20261205000000_ai_turn_tool_rounds.sql), plus the outcome
--   'already_accepted'   these results were accepted before: nothing changes, no round is due
create or replace function public.accept_tool_results(p_turn_id text, p_step integer, p_results jsonb)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  turn public.ai_turns;
  awaited text[];
  given text[];
begin
  if auth.uid() is null then
    raise exception 'accept_tool_results: no user' using errcode = '28000';
  end if;
  if jsonb_typeof(p_results) is distinct from 'array' then
    raise exception 'accept_tool_results: results must be an array' using errcode = '22023';
  end if;
  select * into turn from public.ai_turns
   where turn_id = p_turn_id and user_id = auth.uid()
   for update;
  if not found then
    return 'unknown_turn';
  end if;
  -- A replay of results already taken (sent again on a new socket after a drop): the round they
  -- started runs once; the caller is told so, and nothing changes.
  if turn.tool_transcript @> jsonb_build_array(jsonb_build_object('step', p_step)) then
    return 'already_accepted';
  end if;
  if turn.tool_step is null or turn.tool_step <> p_step then
    return 'wrong_step';
  end if;
  if turn.tool_awaiting_since < now() - interval '10 minutes' then
    return 'expired';
  end if;
  select coalesce(array_agg(c ->> 'callId' order by c ->> 'callId'), '{}') into awaited
    from jsonb_array_elements(turn.tool_calls) c
   where not (c ? 'result');
  select coalesce(array_agg(r ->> 'callId' order by r ->> 'callId'), '{}') into given
    from jsonb_array_elements(p_results) r;
  -- Sorted lists: a missing, extra or repeated id makes them differ.
  if given is distinct from awaited then
    return 'call_ids_mismatch';
  end if;
  -- The socket checks these too; the function is callable with the user's token alone.
  if exists (select 1 from jsonb_array_elements(p_results) r
              where jsonb_typeof(r -> 'content') is distinct from 'string' or length(r ->> 'content') > 48000) then
    return 'invalid_result';
  end if;
  update public.ai_turns
     set tool_transcript = tool_transcript || jsonb_build_array(jsonb_build_object(
           'step', p_step,
           'calls', (
             select jsonb_agg(
                      case when c ? 'result' then c
                           else c || jsonb_build_object('result', (select r -> 'content' from jsonb_array_elements(p_results) r where r ->> 'callId' = c ->> 'callId'))
                      end
                      order by position)
               from jsonb_array_elements(turn.tool_calls) with ordinality as calls(c, position)
           ))),
         tool_step = null,
         tool_calls = null,
         tool_awaiting_since = null
   where id = turn.id;
  return 'accepted';
end
$$;

-- As in 20261206000000_ai_turn_stop.sql, and a stopped turn also lets go of its question and results.
create or replace function public.stop_ai_turn(p_turn_id text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception 'stop_ai_turn: no user' using errcode = '28000';
  end if;
  update public.ai_turns
     set stopped_at = coalesce(stopped_at, now()),
         tool_step = null,
         tool_calls = null,
         tool_awaiting_since = null,
         question = null,
         tool_transcript = '[]'::jsonb
   where turn_id = p_turn_id and user_id = auth.uid();
  return found;
end
$$;
