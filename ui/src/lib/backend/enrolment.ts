// The text of an enrolment code's QR code, as a scanner types it or a paste
// brings it: `escale://enroll?hub=<URL, percent-encoded>&code=<CODE>`
// (`escale hub enroll --hub-url`; Rust reads it too: `enrolment_input`).

/** The hub's URL (when the link has one) and the code, or null when `text` is not such a link. */
export function parseEnrolmentLink(text: string): { url: string | null; code: string } | null {
  const t = text.trim();
  if (!/^escale:\/\/enroll\?/i.test(t)) return null;
  const params = new URLSearchParams(t.slice(t.indexOf('?') + 1));
  const get = (name: string): string => {
    for (const [key, value] of params) if (key.toLowerCase() === name) return value.trim();
    return '';
  };
  return { url: get('hub') || null, code: get('code') };
}
