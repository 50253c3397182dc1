/** Small DOM helpers. */

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

type Child = Node | string;

/** `<tag class=…>children</tag>`, with optional attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  children: Child[] = [],
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}
