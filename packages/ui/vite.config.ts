import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'

// Served by the daemon from dist/ at its API address: no CDN, everything bundled; asset names
// carry a content hash so that the daemon can let browsers keep them.
export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // the page runs only against its own daemon: no source maps to ship
    sourcemap: false
  }
})
