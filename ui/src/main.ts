// Entry point: mounts the app on the real Tauri backend. Tests mount App with
// the mock backend instead (see App.test.ts).
import { mount } from 'svelte';
import App from './App.svelte';
import { TauriBackend } from './lib/backend/tauri';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

mount(App, { target, props: { backend: new TauriBackend() } });
