import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // index: the Electron shell; server: the same core served over HTTP (npm run server);
        // reader: the hub's reader threads (src/main/core/readers).
        input: {
          index: resolve('src/main/index.ts'),
          server: resolve('src/main/server.ts'),
          reader: resolve('src/main/core/readers/worker.ts')
        }
      }
    }
  },
  preload: {
    build: {
      rollupOptions: {
        // A sandboxed window can only load a CommonJS preload.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    plugins: [
      react(),
      {
        // The dev server's React refresh needs an inline script and a websocket; the built app keeps the strict policy.
        name: 'docspot-dev-csp',
        apply: 'serve',
        transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: http://localhost:*")
      }
    ],
    build: { chunkSizeWarningLimit: 2000 }
  }
})
