// The application menu as data (testable in Node); main.ts turns it into a
// Menu. File > Open and Quit are handled in main; View items are menu
// commands the renderer acts on.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from '../ipc-contract.ts';

export interface MenuActions {
  openDialog(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  sendCommand(command: MenuCommand): void;
  openExternal(url: string): void;
}

export const HELP_LINKS = {
  documentation: 'https://github.com/trace-analyser/trace-analyser#readme',
  issues: 'https://github.com/trace-analyser/trace-analyser/issues',
} as const;

export function buildMenuTemplate(platform: NodeJS.Platform, recentFiles: readonly RecentFile[], actions: MenuActions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const command = (label: string, cmd: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => actions.sendCommand(cmd),
  });
  const recentItems: MenuItemConstructorOptions[] =
    recentFiles.length === 0
      ? [{ label: 'No Recent Traces', enabled: false }]
      : recentFiles.map((file) => ({ label: file.path, click: () => actions.openRecent(file.path) }));

  const template: MenuItemConstructorOptions[] = [];
  if (isMac) template.push({ role: 'appMenu' });
  template.push(
    {
      label: 'File',
      submenu: [
        { label: 'Open Trace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openDialog() },
        {
          label: 'Open Recent',
          submenu: [...recentItems, { type: 'separator' }, { label: 'Clear Recent', enabled: recentFiles.length > 0, click: () => actions.clearRecent() }],
        },
        { type: 'separator' },
        command('Settings…', 'app:settings', 'CmdOrCtrl+,'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
      ],
    },
    {
      label: 'Edit',
      submenu: [{ role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }, { type: 'separator' }, command('Find Function…', 'edit:find', 'CmdOrCtrl+F')],
    },
    {
      label: 'View',
      submenu: [
        command('Time Order', 'view:time-order', 'CmdOrCtrl+1'),
        command('Left Heavy', 'view:left-heavy', 'CmdOrCtrl+2'),
        command('Sandwich', 'view:sandwich', 'CmdOrCtrl+3'),
        { type: 'separator' },
        command('Toggle Summary Panel', 'view:toggle-summary', 'CmdOrCtrl+B'),
        { type: 'separator' },
        command('Zoom In', 'view:zoom-in', 'CmdOrCtrl+='),
        command('Zoom Out', 'view:zoom-out', 'CmdOrCtrl+-'),
        command('Reset Zoom', 'view:reset-zoom', 'CmdOrCtrl+0'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { role: 'toggleDevTools' },
      ],
    },
    {
      role: 'help',
      submenu: [
        { label: 'Documentation', click: () => actions.openExternal(HELP_LINKS.documentation) },
        { label: 'Report an Issue', click: () => actions.openExternal(HELP_LINKS.issues) },
      ],
    },
  );
  return template;
}
