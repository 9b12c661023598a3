-- Private Realtime channel per user, `private-chat-results-<uid>`, on which the edge functions
-- (service_role, which bypasses RLS) publish AI answers. Users may join (read) only their own
-- channel; there is deliberately no INSERT policy, so no client can publish into any channel.

create policy "chat results: owner listens" on realtime.messages
  for select to authenticated
  using (
    realtime.messages.extension = 'broadcast'
    and (select realtime.topic()) = 'private-chat-results-' || (select auth.uid())::text
  );
