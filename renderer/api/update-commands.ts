// The update notice's one command: restart into the downloaded version, now
// or (the host decides) once the running answer or import finishes.
import { useUpdateStore } from '../state/update-store.ts';
import { failureMessage, host } from './host-api.ts';

export async function restartToUpdate(): Promise<void> {
  try {
    useUpdateStore.getState().stateChanged(await host().restartToUpdate());
  } catch (error) {
    throw new Error(failureMessage(error), { cause: error });
  }
}
