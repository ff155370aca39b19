// Development entry (mock.html, `npm run mock`): the app in a browser on the
// real core — a UI bridge started for this page by the dev server's relay
// (src/dev/relay.ts), seeded like the component tests, its clock frozen on
// the demo day at 11:30 in Paris — driven by URL parameters so screens can
// be looked at and screenshotted without the desktop window. Not part of
// the production build.
//
//   ?first=1            first run (nothing set up)
//   ?locked=1           the lock screen (the seeded coordinator: Mireille, PIN 1357)
//   ?lang=en            start in English
//   ?screen=desk|sessions|registrations|import|export|events
//   ?long=1             an event and a visitor with 40-character names
//   ?steps=a;b;c        actions run one after the other once mounted:
//                       type:TEXT  key:KEY  click:TESTID  fill:TESTID=VALUE  wait:MS
import { mount, tick } from 'svelte';
import App from './App.svelte';
import type { CommandName } from './lib/backend/bindings/CommandName';
import type { EventName } from './lib/backend/bindings/EventName';
import { CommandBackend, type CommandArgs, type Transport } from './lib/backend/commands';
import { CONSENT_PROCESSING } from './lib/backend/values';
import type { Session, SessionRequest } from './dev/relay';
import './styles.css';

const params = new URLSearchParams(location.search);
const started = Date.now();

/** The relay's HTTP and server-sent events as the app's Transport. */
class RelayTransport implements Transport {
  private readonly events: EventSource;

  constructor(private readonly id: string) {
    this.events = new EventSource(`/__bridge/${id}/events`);
  }

  async invoke<T>(command: CommandName, args: CommandArgs = {}): Promise<T> {
    const res = await fetch(`/__bridge/${this.id}/invoke`, { method: 'POST', body: JSON.stringify({ cmd: command, args }) });
    const answer = (await res.json()) as { ok?: T; err?: unknown };
    if ('err' in answer) throw answer.err;
    return answer.ok as T;
  }

  listen<T>(event: EventName, handler: (payload: T) => void): Promise<() => void> {
    const h = (e: MessageEvent<string>) => {
      const m = JSON.parse(e.data) as { event: string; payload: T };
      if (m.event === event) handler(m.payload);
    };
    this.events.addEventListener('message', h);
    return Promise.resolve(() => this.events.removeEventListener('message', h));
  }
}

const request: SessionRequest = params.has('first') ? { first: true } : { extra: 420, locked: params.has('locked') };
const session = (await (await fetch('/__bridge/session', { method: 'POST', body: JSON.stringify(request) })).json()) as Session;
const backend = new CommandBackend(new RelayTransport(session.id), {
  pickOpenFile: () => Promise.resolve(session.files.helloAsso),
  pickSaveFile: (name) => Promise.resolve(`${session.dir}/${name}`),
});

const memory = new Map<string, string>();
const storage = {
  getItem: (k: string) => memory.get(k) ?? null,
  setItem: (k: string, v: string) => void memory.set(k, v),
  removeItem: (k: string) => void memory.delete(k),
};

async function prepare() {
  if (params.get('lang') === 'en') await backend.setLanguage('en');
  if (!session.seeded) return;
  let event = session.seeded.event;
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
    await backend.registerWalkIn({
      event_id: event.id,
      visitor: { first_name: 'Marie-Christine-Éloïse', last_name: 'N’Diaye-Lefèvre de la Tour', email: 'marie-christine.ndiaye-lefevre@example.org' },
      consents: [{ purpose: CONSENT_PROCESSING, granted: true }],
      check_in: false,
    });
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
mount(App, { target, props: { backend, storage, locale: params.get('lang') === 'en' ? 'en' : 'fr' } });
await sleep(200);
const screen = params.get('screen');
if (screen) {
  byTestId(`nav-${screen}`)?.click();
  await sleep(200);
}
for (const step of (params.get('steps') ?? '').split(';').filter(Boolean)) await run(step);
document.body.dataset.ready = String(Date.now() - started);
