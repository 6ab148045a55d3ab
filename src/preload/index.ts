// The one narrow bridge the page gets: call a method, hear an event. No raw ipcRenderer.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

const bridge = {
  invoke: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke('docspot:invoke', method, input),
  on(event: string, callback: (payload: unknown) => void): () => void {
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) callback(payload)
    }
    ipcRenderer.on('docspot:event', listener)
    return () => void ipcRenderer.removeListener('docspot:event', listener)
  }
}

contextBridge.exposeInMainWorld('docspot', bridge)
