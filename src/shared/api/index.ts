export * from './errors'
export * from './common'
export * from './settings'
export * from './contract'
