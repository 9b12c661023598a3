-- Stop reaches the server. Until now the desktop's Stop only stopped listening: the model went on
-- generating (and billing) to the end of its answer, and a turn waiting for tool results stayed
-- open. The socket now marks the user's turn stopped (stop_ai_turn, as the user); process-ai-turn
-- watches the mark while its model call streams and aborts the call, and a stopped turn awaits no
-- tool results, so no later round runs.

alter table public.ai_turns
  -- When the user stopped the turn (null: not stopped).
  add column stopped_at timestamptz;

-- The socket, with the user's token: marks the caller's turn stopped. Answers false when the turn
-- is not this user's. Stopping twice keeps the first time.
create function public.stop_ai_turn(p_turn_id text)
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
         tool_awaiting_since = null
   where turn_id = p_turn_id and user_id = auth.uid();
  return found;
end
$$;

revoke all on function public.stop_ai_turn(text) from public, anon;
grant execute on function public.stop_ai_turn(text) to authenticated;
