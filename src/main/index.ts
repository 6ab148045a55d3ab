// Electron bootstrap only: single instance, window, IPC. Everything else lives in core/.
import { join } from 'node:path'
import { app, BrowserWindow, dialog, safeStorage, shell } from 'electron'
import { createCore, type Core } from './core/create-core'
import { DataFolderInUseError } from './core/db/connection'
import { keyFile } from './core/secrets'
import { registerIpc } from './electron/ipc'

let core: Core | null = null

async function start(): Promise<void> {
  const dataDir = process.env.DOCSPOT_DATA ?? join(app.getPath('userData'), 'data')
  try {
    // The folder's secret key is kept wrapped by the OS keychain, when the OS offers one.
    const keyStore = safeStorage.isEncryptionAvailable() ? keyFile(dataDir, { encrypt: (b) => safeStorage.encryptString(b.toString('base64')), decrypt: (b) => Buffer.from(safeStorage.decryptString(b), 'base64') }) : undefined
    core = await createCore({ dataDir, version: app.getVersion(), keyStore })
  } catch (error) {
    const message = error instanceof DataFolderInUseError ? error.message : `DocSpot could not open its data folder ${dataDir}: ${(error as Error).message}`
    dialog.showErrorBox('DocSpot cannot start', message)
    app.exit(1)
    return
  }

  const devUrl = process.env.ELECTRON_RENDERER_URL
  const ipc = registerIpc(core, devUrl ? new URL(devUrl).origin : 'file://')
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'DocSpot',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true
    }
  })
  ipc.watch(win.webContents)
  win.once('ready-to-show', () => win.show())
  // Links leave the app for the system browser; the window never navigates away.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  if (devUrl) await win.loadURL(devUrl)
  else await win.loadFile(join(import.meta.dirname, '../renderer/index.html'))
}

if (!app.requestSingleInstanceLock()) app.quit()
else {
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus())
  app.whenReady().then(start)
  app.on('window-all-closed', () => app.quit())
  app.on('will-quit', () => void core?.close())
}
