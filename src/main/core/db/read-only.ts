import type { Kysely } from 'kysely'
import type { Database } from './schema'

/**
 * The connection a read handler gets: the query builder without its writing entry points, so
 * a write inside a `writes: false` method is a type error rather than SQLITE_READONLY at run
 * time. (Raw `sql` can still say anything; the connection itself is opened read-only too.)
 */
export type ReadDb = Omit<Kysely<Database>, 'insertInto' | 'replaceInto' | 'updateTable' | 'deleteFrom' | 'mergeInto' | 'schema' | 'transaction' | 'connection' | 'with' | 'withRecursive' | 'withSchema' | 'withPlugin' | 'withoutPlugins' | 'withTables'>
