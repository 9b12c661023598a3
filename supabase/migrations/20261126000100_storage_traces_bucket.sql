-- Private bucket for raw trace files. Object names are `<user uid>/<anything>`; a user may only
-- touch objects under their own uid folder.

insert into storage.buckets (id, name, public)
values ('traces', 'traces', false)
on conflict (id) do nothing;

create policy "traces bucket: owner inserts" on storage.objects
  for insert to authenticated
  with check (bucket_id = 'traces' and (storage.foldername(name))[1] = (select auth.uid())::text);

create policy "traces bucket: owner reads" on storage.objects
  for select to authenticated
  using (bucket_id = 'traces' and (storage.foldername(name))[1] = (select auth.uid())::text);

create policy "traces bucket: owner updates" on storage.objects
  for update to authenticated
  using (bucket_id = 'traces' and (storage.foldername(name))[1] = (select auth.uid())::text)
  with check (bucket_id = 'traces' and (storage.foldername(name))[1] = (select auth.uid())::text);

create policy "traces bucket: owner deletes" on storage.objects
  for delete to authenticated
  using (bucket_id = 'traces' and (storage.foldername(name))[1] = (select auth.uid())::text);
