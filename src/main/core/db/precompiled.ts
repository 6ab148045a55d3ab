import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, CompiledQuery, type Compilable } from 'kysely'
import { directReader } from './connection'
import type { ReadDb } from './read-only'
import type { Database } from './schema'

/** Builds and compiles queries, never runs them. */
const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler()
  }
})

/**
 * A query written with Kysely (typed as usual) but built and compiled once, then run with new
 * values each time. Building a query costs about 20 µs, as much as running a small indexed read,
 * and the reads every call makes (settings, the session, a patient-number lookup) were half
 * made of it. On a read-only connection outside a transaction it runs directly (see
 * directReader). Only for queries of a fixed shape: `build` gets stand-ins for the values, which
 * must each reach the SQL as a parameter of its own (not a list).
 */
export function precompiled<P extends unknown[], R>(build: (db: Kysely<Database>, ...values: P) => Compilable<R>): (db: ReadDb, ...values: P) => Promise<R[]> {
  let compiled: { sql: string; parameters: readonly unknown[]; slots: number[] } | null = null
  return async (db, ...values) => {
    if (!compiled) {
      const markers = values.map((_, i) => `\u0000docspot-value-${i}\u0000`)
      const query = build(compiler, ...(markers as P)).compile()
      const slots = query.parameters.map((p) => markers.indexOf(p as string))
      if (slots.filter((s) => s >= 0).length < values.length) throw new Error(`precompiled: a value does not reach the SQL as one parameter: ${query.sql}`)
      compiled = { sql: query.sql, parameters: query.parameters, slots }
    }
    const { sql, parameters, slots } = compiled
    const bound = parameters.map((p, i) => (slots[i] >= 0 ? values[slots[i]] : p))
    const direct = directReader(db)
    if (direct) return direct.prepare(sql).all(bound) as R[]
    const result = await db.executeQuery<R>(CompiledQuery.raw(sql, bound))
    return result.rows
  }
}
