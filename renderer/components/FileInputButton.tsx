// A file chooser that hands the chosen File to the host (works in the browser
// host and in Electron alike, where a dialog path is not needed).
import { useRef } from 'react';
import { importFile } from '../api/trace-commands.ts';

export function FileInputButton({ label = 'Choose file…' }: { label?: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="large" onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="file-input"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void importFile(file);
        }}
      />
    </>
  );
}
