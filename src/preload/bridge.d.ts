/** What the preload exposes as `window.docspot` in the desktop app (absent in a browser). */
export interface DocSpotBridge {
  invoke(method: string, input: unknown): Promise<unknown>
  on(event: string, callback: (payload: unknown) => void): () => void
}

declare global {
  interface Window {
    docspot?: DocSpotBridge
  }
}
