export type { Backend } from './backend';
export type * from './types';
