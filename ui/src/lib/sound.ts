// Optional feedback beeps (WebAudio, no files). Off unless the desk turns it on;
// the waiting list's call (a two-note chime) has its own switch.
export type Tone = 'welcome' | 'already' | 'unknown' | 'call';

let ctx: AudioContext | null = null;

export function beep(tone: Tone): void {
  const AC = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!AC) return;
  try {
    ctx ??= new AC();
    const notes: Record<Tone, number[]> = { welcome: [880], already: [660, 660], unknown: [220], call: [660, 880] };
    let t = ctx.currentTime;
    for (const f of notes[tone]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = f;
      osc.type = 'sine';
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + (tone === 'unknown' ? 0.35 : 0.15));
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.4);
      t += 0.2;
    }
  } catch {
    // No audio device: the visual feedback is enough.
  }
}
