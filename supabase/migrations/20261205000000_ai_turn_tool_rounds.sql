-- A turn with trace tools spans several invocations of process-ai-turn, which keep no state: the
-- turn's row holds it between them. When the model asks for tools, process-ai-turn records the
-- round (record_tool_request, service role) and ends; the desktop runs the calls and sends their
-- results to the socket, which hands them to accept_tool_results as the user. That accepts them
-- once, only for the user's own turn, the step it awaits and exactly the calls it awaits; the next
-- round (a new invocation) reads the transcript and the event numbering from here, never from a
-- request body.

alter table public.ai_turns
  -- The round whose results are awaited (null: none).
  add column tool_step integer,
  -- That round's calls, in the model's order: [{callId, name, arguments, result?}]; a call that
  -- was refused without running (past the per-step cap) carries its result already.
  add column tool_calls jsonb,
  -- The turn's earlier rounds, every call with its result: [{step, calls: [...]}].
  add column tool_transcript jsonb not null default '[]'::jsonb,
  -- The seq the next round's first event takes (seq runs on across rounds).
  add column next_seq integer not null default 0,
  -- When the awaited round was recorded; results later than 10 minutes after are refused.
  add column tool_awaiting_since timestamptz;

-- process-ai-turn (service role): the round `p_step` awaits results. Answers false when the
-- turn is not this user's (nothing is recorded).
create function public.record_tool_request(
  p_user_id uuid,
  p_turn_id text,
  p_step integer,
  p_calls jsonb,
  p_transcript jsonb,
  p_next_seq integer
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
         tool_awaiting_since = now()
   where turn_id = p_turn_id and user_id = p_user_id;
  return found;
end
$$;

-- The socket, with the user's token: accepts the results of round `p_step` of the caller's turn.
-- `p_results` is [{callId, content}]. Outcomes:
--   'accepted'           appended to the transcript, nothing awaited any more (a replay is refused)
--   'unknown_turn'       no such turn of this user
--   'wrong_step'         the turn awaits no results, or those of another step
--   'call_ids_mismatch'  the callIds are not exactly the awaited ones (missing, extra or repeated)
--   'invalid_result'     a result is not text or longer than MAX_TOOL_RESULT_CHARS (48,000)
--   'expired'            the round has waited more than 10 minutes
create function public.accept_tool_results(p_turn_id text, p_step integer, p_results jsonb)
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

revoke all on function public.record_tool_request(uuid, text, integer, jsonb, jsonb, integer) from public, anon, authenticated;
grant execute on function public.record_tool_request(uuid, text, integer, jsonb, jsonb, integer) to service_role;
revoke all on function public.accept_tool_results(text, integer, jsonb) from public, anon;
grant execute on function public.accept_tool_results(text, integer, jsonb) to authenticated;
