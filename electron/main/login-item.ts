import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app } from 'electron';

/**
 * "Launch at login". Electron does it on macOS and Windows; on Linux it is an XDG autostart entry
 * (for an AppImage, the AppImage file itself, as the mounted path changes every run).
 */
export function setLaunchAtLogin(enabled: boolean): void {
  if (process.platform === 'darwin' || process.platform === 'win32') {
    app.setLoginItemSettings({ openAtLogin: enabled });
    return;
  }
  const dir = path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'autostart');
  const file = path.join(dir, 'oncall-scout.desktop');
  if (!enabled) {
    fs.rmSync(file, { force: true });
    return;
  }
  if (!app.isPackaged) return; // a development build has no stable command to start
  const exec = process.env.APPIMAGE ?? process.execPath;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    file,
    `[Desktop Entry]\nType=Application\nName=Oncall Scout\nExec="${exec.replace(/"/g, '\\"')}"\nX-GNOME-Autostart-enabled=true\nTerminal=false\n`,
  );
}
