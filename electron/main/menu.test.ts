import assert from 'node:assert/strict';
import { test } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from '../ipc-contract.ts';
import { buildMenuTemplate, HELP_LINKS, type MenuActions } from './menu.ts';

function recordingActions() {
  const calls: string[] = [];
  const actions: MenuActions = {
    openDialog: () => calls.push('open'),
    openRecent: (path) => calls.push(`recent:${path}`),
    clearRecent: () => calls.push('clear'),
    sendCommand: (command: MenuCommand) => calls.push(`command:${command}`),
    openExternal: (url) => calls.push(`external:${url}`),
  };
  return { calls, actions };
}

const submenu = (item: MenuItemConstructorOptions | undefined) => item?.submenu as MenuItemConstructorOptions[];
const find = (items: MenuItemConstructorOptions[], label: string) => items.find((i) => i.label === label);
const click = (item: MenuItemConstructorOptions | undefined) => (item!.click as unknown as () => void)();

const recent: RecentFile[] = [
  { path: '/traces/a.json', fileName: 'a.json', openedAt: '2026-01-01T00:00:00Z' },
  { path: '/traces/b.cpuprofile', fileName: 'b.cpuprofile', openedAt: '2026-01-01T00:00:00Z' },
];

test('File menu: Open… with Ctrl/Cmd+O, Open Recent lists the files, Quit', () => {
  const { calls, actions } = recordingActions();
  const template = buildMenuTemplate('linux', recent, actions);
  const file = submenu(find(template, 'File'));
  const open = find(file, 'Open Trace…');
  assert.equal(open?.accelerator, 'CmdOrCtrl+O');
  click(open);
  const recentMenu = submenu(find(file, 'Open Recent'));
  assert.deepEqual(
    recentMenu.filter((i) => i.click && i.label !== 'Clear Recent').map((i) => i.label),
    ['/traces/a.json', '/traces/b.cpuprofile'],
  );
  click(recentMenu[1]);
  click(find(recentMenu, 'Clear Recent'));
  assert.ok(file.some((i) => i.role === 'quit'));
  assert.deepEqual(calls, ['open', 'recent:/traces/b.cpuprofile', 'clear']);
});

test('File > Settings… (Ctrl/Cmd+,) asks the window to open Settings, on every platform', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    const { calls, actions } = recordingActions();
    const settings = find(submenu(find(buildMenuTemplate(platform, [], actions), 'File')), 'Settings…');
    assert.equal(settings?.accelerator, 'CmdOrCtrl+,', platform);
    click(settings);
    assert.deepEqual(calls, ['command:app:settings'], platform);
  }
});

test('with no recent files the submenu says so and Clear is disabled', () => {
  const { actions } = recordingActions();
  const file = submenu(find(buildMenuTemplate('win32', [], actions), 'File'));
  const recentMenu = submenu(find(file, 'Open Recent'));
  assert.equal(recentMenu[0].label, 'No Recent Traces');
  assert.equal(recentMenu[0].enabled, false);
  assert.equal(find(recentMenu, 'Clear Recent')?.enabled, false);
});

test('View items send menu commands to the renderer; Help opens links; macOS gets the app menu', () => {
  const { calls, actions } = recordingActions();
  const template = buildMenuTemplate('darwin', recent, actions);
  assert.equal(template[0].role, 'appMenu');
  const view = submenu(find(template, 'View'));
  click(find(view, 'Left Heavy'));
  click(find(view, 'Toggle Summary Panel'));
  const help = submenu(template.find((i) => i.role === 'help'));
  click(help[0]);
  assert.deepEqual(calls, ['command:view:left-heavy', 'command:view:toggle-summary', `external:${HELP_LINKS.documentation}`]);
  // On macOS, File ends with Close (Quit lives in the app menu).
  assert.ok(submenu(find(template, 'File')).some((i) => i.role === 'close'));
});
