/**
 * Push-to-talk input: holding `button` (pointer, or Space/Enter while it has
 * focus) or holding Space anywhere no other control has focus. `talk(true)`
 * when the first hold starts, `talk(false)` when the last one ends.
 */

/** Where Space belongs to the focused control, not to push-to-talk. */
const OWN_SPACE = 'input, select, textarea, button, a[href], summary, [contenteditable]';

export function pushToTalk(button: HTMLButtonElement, talk: (held: boolean) => void): void {
  const holds = new Set<string>();
  const press = (source: string) => {
    if (holds.has(source)) return;
    holds.add(source);
    if (holds.size === 1) talk(true);
  };
  const release = (source: string) => {
    if (!holds.delete(source)) return;
    if (holds.size === 0) talk(false);
  };
  const releaseAll = () => {
    for (const source of [...holds]) release(source);
  };

  button.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    button.setPointerCapture(event.pointerId);
    press('pointer');
  });
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'] as const) {
    button.addEventListener(type, () => release('pointer'));
  }
  // A long touch must not open the context menu.
  button.addEventListener('contextmenu', (event) => event.preventDefault());
  button.addEventListener('keydown', (event) => {
    if (event.key !== ' ' && event.key !== 'Enter') return;
    event.preventDefault();
    press('button-key');
  });
  button.addEventListener('keyup', (event) => {
    if (event.key === ' ' || event.key === 'Enter') release('button-key');
  });
  button.addEventListener('blur', () => release('button-key'));

  window.addEventListener('keydown', (event) => {
    if (event.code !== 'Space' || event.repeat || button.hidden) return;
    if (event.target instanceof Element && event.target.closest(OWN_SPACE)) return;
    event.preventDefault(); // no page scroll
    press('space');
  });
  window.addEventListener('keyup', (event) => {
    if (event.code === 'Space') release('space');
  });
  window.addEventListener('blur', releaseAll);
}
