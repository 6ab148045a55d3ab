import { z } from 'zod'
import { ROLES, type Role } from './common'

/**
 * Who may call a method: staff roles, 'system' (a background job of this PC's core, never a
 * transport), or 'public' (no session: first run, sign-in, health).
 */
export type Caller = Role | 'system'

/** A method that takes a file: its bytes travel as binary (HTTP body, IPC ArrayBuffer), never as JSON. */
export interface UploadSpec {
  /** The input field that holds the bytes (a Uint8Array). */
  field: string
  maxBytes: number
}

/**
 * One entry of the API table: what a method takes, who may call it, and whether it writes.
 * `writes` is a literal type, so a read handler gets a connection that cannot write.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O = unknown, W extends boolean = boolean> {
  summary: string
  input: I
  roles: readonly Caller[] | 'public'
  writes: W
  /** Largest JSON request body the HTTP transport accepts for this method. */
  maxBodyBytes?: number
  upload?: UploadSpec
  /** The output is a file ({ type, bytes }) or null: HTTP answers with the bytes themselves. */
  download?: true
  /**
   * A read of a patient's record: the input field naming the patient. Each such read is
   * recorded in the journal (who, which patient, when, from which PC), like a write.
   */
  auditRead?: string
  /**
   * Clinical content (visit notes, prescriptions, record files): an admin may call it only where
   * the clinic's settings let admins see clinical content. Checked in the dispatcher.
   */
  clinical?: true
  /** Phantom: carries the output type only. */
  readonly __output?: O
}

export const method =
  <O>() =>
  <I extends z.ZodType, const W extends boolean>(spec: Omit<MethodSpec<I, O, W>, '__output'>): MethodSpec<I, O, W> =>
    spec

export const ALL = ROLES
export const ADMIN = ['admin'] as const
export const DESK = ['admin', 'receptionist'] as const
export const SYSTEM = ['system'] as const
export const none = z.object({}).strict()

/** A file's bytes as an input field, with its size limit. */
export const fileBytes = (maxBytes: number) =>
  z
    .instanceof(Uint8Array, { message: 'must be a file' })
    .refine((b) => b.byteLength > 0, 'is empty')
    .refine((b) => b.byteLength <= maxBytes, `must be a file of at most ${Math.round(maxBytes / 1024 / 1024)} MB`)

/** A file sent back: HTTP serves `bytes` with `type` as its Content-Type. */
export interface FileOutput {
  type: string
  bytes: Uint8Array
  /** Present for a file to save (an export): HTTP sends it as an attachment with this name. */
  name?: string
}

/** Input keys that never enter the journal, whatever method carries them. */
export const SECRET_KEYS = ['password', 'currentPassword', 'newPassword', 'token', 'secret', 'smtpPassword', 'totpCode', 'recoveryCode', 'pairingCode', 'displayToken', 'code'] as const

/** Joins domain method groups into one table; a name defined twice stops start-up. */
export function joinMethods<T extends Array<Record<string, MethodSpec>>>(...groups: T): UnionToIntersection<T[number]> {
  const joined: Record<string, MethodSpec> = {}
  for (const group of groups) {
    for (const [name, spec] of Object.entries(group)) {
      if (name in joined) throw new Error(`API method ${name} is defined twice`)
      joined[name] = spec
    }
  }
  return joined as UnionToIntersection<T[number]>
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
