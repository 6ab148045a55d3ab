import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Secrets the clinic's data holds (a second factor's key today; the SMTP password later) are
 * stored sealed: AES-256-GCM under the folder's own key, so the database file, its backups and
 * the journal (which keeps whole rows) hold only ciphertext. Whoever has the database without
 * the key cannot read them.
 *
 * Where the key lives is the shell's choice: the hub keeps it in a key file readable only by
 * the service user; the desktop app wraps that file with Electron's safeStorage (the OS
 * keychain), so another user of the PC cannot unwrap it.
 */
export interface SecretBox {
  seal(plain: string): string
  /** Throws when the sealed text was not made with this key (a database restored without its key file). */
  open(sealed: string): string
}

/** How the key is kept: read what was stored (null when nothing is), and store a new one. */
export interface KeyStore {
  load(): Buffer | null
  save(key: Buffer): void
}

export const KEY_FILE = 'docspot.key'

/**
 * The key file in the data folder, 0600: as it is (the hub), or wrapped by the OS keychain (the
 * desktop). The file says which it holds, so either can open a folder the other made where it
 * can, and says why where it cannot.
 */
export function keyFile(dataDir: string, wrap?: { encrypt(b: Buffer): Buffer; decrypt(b: Buffer): Buffer }): KeyStore {
  const file = join(dataDir, KEY_FILE)
  return {
    load() {
      if (!existsSync(file)) return null
      const text = readFileSync(file, 'utf8').trim()
      const [kind, body] = text.split(':')
      if (kind === 'plain') return Buffer.from(body, 'base64')
      if (kind === 'wrapped') {
        if (!wrap) throw new Error(`${file} is locked to the desktop app's user account on the PC that made it; the hub cannot open it`)
        return wrap.decrypt(Buffer.from(body, 'base64'))
      }
      throw new Error(`${file} is not a DocSpot key file`)
    },
    save(key) {
      const text = wrap ? `wrapped:${wrap.encrypt(key).toString('base64')}` : `plain:${key.toString('base64')}`
      writeFileSync(`${file}.tmp`, `${text}\n`, { mode: 0o600 })
      renameSync(`${file}.tmp`, file)
    }
  }
}

const VERSION = 'v1'

export function secretBox(store: KeyStore): SecretBox {
  let key = store.load()
  if (!key) {
    key = randomBytes(32)
    store.save(key)
  }
  if (key.length !== 32) throw new Error(`The data folder's key (${KEY_FILE}) is damaged: ${key.length} bytes, expected 32`)
  const k = key
  return {
    seal(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', k, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
    },
    open(sealed) {
      const [version, data] = sealed.split(':')
      if (version !== VERSION || !data) throw new Error('Not a sealed secret')
      const bytes = Buffer.from(data, 'base64')
      if (bytes.length < 28) throw new Error('Not a sealed secret')
      const decipher = createDecipheriv('aes-256-gcm', k, bytes.subarray(0, 12), { authTagLength: 16 })
      decipher.setAuthTag(bytes.subarray(12, 28))
      try {
        return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
      } catch {
        throw new Error(`A stored secret cannot be opened with this folder's key (${KEY_FILE}): was the database restored without it?`)
      }
    }
  }
}
