// Development entry (mock.html): the app on the in-memory MockBackend with demo
// data, driven by URL parameters so screens can be looked at and screenshotted
// without Rust. Not part of the production build.
//
//   ?first=1            first run (nothing set up)
//   ?lang=en            start in English
//   ?screen=desk|sessions|registrations|import|export|events
//   ?long=1             an event and a visitor with 40-character names
//   ?steps=a;b;c        actions run one after the other once mounted:
//                       type:TEXT  key:KEY  click:TESTID  fill:TESTID=VALUE  wait:MS
import { mount, tick } from 'svelte';
import App from './App.svelte';
import { MockBackend } from './lib/backend/mock';
import './styles.css';

const params = new URLSearchParams(location.search);
const started = Date.now();
// The demo day is always at 11:30 in Paris, whatever the machine's clock says.
const parisNow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  .formatToParts(started)
  .reduce((acc, p) => (p.type === 'hour' ? acc + Number(p.value) * 60 : p.type === 'minute' ? acc + Number(p.value) : acc), 0);
const base = started + (11 * 60 + 30 - parisNow) * 60_000;
const now = () => base + (Date.now() - started);

const backend = params.has('first')
  ? new MockBackend({ now, status: { version: '0.1.0', data_dir: '/home/escale/.local/share/escale' } })
  : MockBackend.seeded({ now, extra: 420, arrivedRatio: 0.45, status: { version: '0.1.0', data_dir: '/home/escale/.local/share/escale' } });

const memory = new Map<string, string>();
const storage = {
  getItem: (k: string) => memory.get(k) ?? null,
  setItem: (k: string, v: string) => void memory.set(k, v),
  removeItem: (k: string) => void memory.delete(k),
};

async function prepare() {
  if (params.has('first')) return;
  const events = await backend.listEvents();
  let event = events[0]!;
  if (params.has('long')) {
    event = await backend.updateEvent(event.id, {
      kind: 'fair',
      title: 'Forum intercommunal de l’emploi saisonnier',
      place: 'Espace culturel Marguerite-Yourcenar, 12 avenue de la République-Française',
      timezone: 'Europe/Paris',
      starts_at: event.starts_local,
      ends_at: event.ends_local,
      series: null,
    });
    const v = backend.addVisitor({
      first_name: 'Marie-Christine-Éloïse',
      last_name: 'N’Diaye-Lefèvre de la Tour',
      email: 'marie-christine.ndiaye-lefevre@example.org',
    });
    backend.addReg(event.id, v.id, 'pre', 'LONG-0001');
  }
  await backend.createEvent({
    kind: 'jobcamp_series',
    title: 'JobCamp — atelier CV',
    place: 'Tiers-lieu numérique',
    timezone: null,
    starts_at: '2027-01-14 14:00',
    ends_at: '2027-01-14 17:00',
    series: 'JobCamp hiver 2027',
  });
  storage.setItem('escale.eventId', event.id);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);

async function run(step: string) {
  const [verb, ...rest] = step.split(':');
  const arg = rest.join(':');
  const target = document.activeElement as HTMLElement | null;
  if (verb === 'type' && target && 'value' in target) {
    (target as HTMLInputElement).value = arg;
    target.dispatchEvent(new Event('input', { bubbles: true }));
  } else if (verb === 'key') {
    (target ?? document.body).dispatchEvent(new KeyboardEvent('keydown', { key: arg, bubbles: true, cancelable: true }));
  } else if (verb === 'click') {
    byTestId(arg)?.click();
  } else if (verb === 'fill') {
    const [id, value = ''] = arg.split('=');
    const el = byTestId(id!) as HTMLInputElement | HTMLSelectElement | null;
    if (el) {
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
  } else if (verb === 'wait') {
    await sleep(Number(arg));
  }
  await tick();
  await sleep(120);
}

await prepare();
const target = document.getElementById('app')!;
if (params.get('lang') === 'en') backend.lang = 'en';
mount(App, { target, props: { backend, storage, locale: params.get('lang') === 'en' ? 'en' : 'fr' } });
await sleep(200);
const screen = params.get('screen');
if (screen) {
  const nav = byTestId(`nav-${screen === 'registrations' ? 'registrations' : screen}`);
  nav?.click();
  await sleep(200);
}
for (const step of (params.get('steps') ?? '').split(';').filter(Boolean)) await run(step);
document.body.dataset.ready = String(Date.now() - started);
