// Hands the Backend down the component tree without a global: App sets it,
// any component below reads it.
import { getContext, setContext } from 'svelte';
import type { Backend } from './backend';

const KEY = Symbol('backend');

export function setBackend(backend: Backend): void {
  setContext(KEY, backend);
}

export function getBackend(): Backend {
  const backend = getContext<Backend | undefined>(KEY);
  if (!backend) throw new Error('getBackend() called outside <App>');
  return backend;
}
