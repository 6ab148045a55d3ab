import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Files (photos, scans, reports) live under <data>/files, named by their sha256: the same
 * file is stored once, a name never points at different bytes, and the database keeps
 * only the hash. Written to a temp file, flushed, then renamed, so a power cut never
 * leaves a half-written file under a real name.
 */
export function fileStore(dataDir: string) {
  const root = join(dataDir, 'files')
  const pathOf = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`)
    return join(root, sha256.slice(0, 2), sha256)
  }
  return {
    put(bytes: Buffer): string {
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      const target = pathOf(sha256)
      if (existsSync(target)) return sha256
      mkdirSync(join(root, sha256.slice(0, 2)), { recursive: true, mode: 0o700 })
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`
      writeFileSync(temp, bytes, { mode: 0o600 })
      const fd = openSync(temp, 'r')
      fsyncSync(fd)
      closeSync(fd)
      renameSync(temp, target)
      // The rename itself must reach the disk, or a power cut can lose the file's name.
      const dir = openSync(join(root, sha256.slice(0, 2)), 'r')
      fsyncSync(dir)
      closeSync(dir)
      return sha256
    },
    get(sha256: string): Buffer | null {
      const path = pathOf(sha256)
      return existsSync(path) ? readFileSync(path) : null
    },
    has: (sha256: string) => existsSync(pathOf(sha256))
  }
}

export type FileStore = ReturnType<typeof fileStore>
