/**
 * A menu button (WAI-ARIA "menu button" pattern): one button that opens a
 * list of actions, so a room of many people shows one control per person
 * instead of a row of buttons each. Keyboard: Enter, Space or Down open it
 * on the first item, Up on the last; arrows, Home and End move; Escape
 * closes it; an activated item closes it first, so focus is back on the
 * menu button (a second Enter opens the menu again, it never repeats or
 * undoes the action). Tab or a click elsewhere closes it.
 */
import { el } from './dom';

export interface MenuItem {
  /** Stable within the menu: keeps focus on the same item across redraws. */
  key: string;
  text: string;
  /** Shown in red: removes or ends something. */
  danger?: boolean;
  run(): void;
}

export interface MenuOptions {
  /** Unique in the page, e.g. `person:<wallet>`; also the button's focus key. */
  key: string;
  /** Visible content of the button (it should contain its accessible name's words). */
  content: (Node | string)[];
  /** The menu's accessible name, e.g. "Actions for 7xKX…gAsU". */
  label: string;
  items: MenuItem[];
  /** Whether it is drawn open (a redraw keeps an open menu open). */
  open: boolean;
  /** The menu opened or closed (the owner keeps the state for redraws). */
  toggled(open: boolean): void;
  className?: string;
}

let menus = 0;

/** A menu on the page: its wrapper (button and list) and a way to close it from outside. */
export interface Menu {
  element: HTMLElement;
  close(refocus: boolean): void;
  /** Keeps the open list inside the window (call once it is in the page). */
  place(): void;
}

/** Space kept between an open menu and the window's edges. */
const EDGE_PX = 8;

/** The menu button and its (hidden until open) menu, in one wrapper. */
export function menuButton(options: MenuOptions): Menu {
  const id = `menu-${++menus}`;
  const button = el('button', `small menu-button ${options.className ?? ''}`.trim(), options.content, {
    type: 'button',
    'aria-haspopup': 'menu',
    'aria-expanded': String(options.open),
    'aria-controls': id,
  });
  button.dataset.focusKey = options.key;
  const entries = options.items.map((item) => {
    const entry = el('button', item.danger ? 'menu-item danger' : 'menu-item', [item.text], {
      type: 'button',
      role: 'menuitem',
      tabindex: '-1',
    });
    entry.dataset.focusKey = `${options.key}:${item.key}`;
    entry.addEventListener('click', () => {
      close(true);
      item.run();
    });
    return entry;
  });
  const menu = el(
    'ul',
    'menu',
    entries.map((entry) => el('li', '', [entry], { role: 'none' })),
    { id, role: 'menu', 'aria-label': options.label },
  );
  menu.hidden = !options.open;
  const wrapper = el('div', 'menu-wrap', [button, menu]);

  function place(): void {
    if (menu.hidden) return;
    menu.style.setProperty('--shift', '0px');
    menu.classList.remove('menu-up');
    const { left, right, top, bottom } = menu.getBoundingClientRect();
    const { clientWidth: width, clientHeight: height } = document.documentElement;
    const shift = left < EDGE_PX ? EDGE_PX - left : right > width - EDGE_PX ? width - EDGE_PX - right : 0;
    menu.style.setProperty('--shift', `${Math.round(shift)}px`);
    // Opens upwards when it would run off the bottom and there is room above.
    const above = button.getBoundingClientRect().top;
    if (bottom > height - EDGE_PX && above - (bottom - top) > EDGE_PX) menu.classList.add('menu-up');
  }
  function open(focus: 'first' | 'last'): void {
    menu.hidden = false;
    place();
    button.setAttribute('aria-expanded', 'true');
    options.toggled(true);
    (focus === 'first' ? entries[0] : entries[entries.length - 1])?.focus();
  }
  function close(refocus: boolean): void {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    options.toggled(false);
    if (refocus) button.focus();
  }
  function move(by: number): void {
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    entries[(at + by + entries.length) % entries.length]?.focus();
  }

  button.addEventListener('click', () => (menu.hidden ? open('first') : close(true)));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      open(event.key === 'ArrowDown' ? 'first' : 'last');
    } else if (event.key === 'Escape') {
      close(true);
    }
  });
  menu.addEventListener('keydown', (event) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(1),
      ArrowUp: () => move(-1),
      Home: () => entries[0]?.focus(),
      End: () => entries[entries.length - 1]?.focus(),
      Escape: () => close(true),
    };
    const act = keys[event.key];
    if (act) {
      event.preventDefault();
      event.stopPropagation();
      act();
    } else if (event.key === 'Tab') {
      close(false);
    }
  });
  wrapper.addEventListener('focusout', (event) => {
    const next = event.relatedTarget;
    // Focus gone elsewhere in the page (not lost to a redraw, which has no target).
    if (next instanceof Node && !wrapper.contains(next)) close(false);
  });
  return { element: wrapper, close, place };
}
