export type { Backend } from './backend';
export type { AppInfo } from './types';
