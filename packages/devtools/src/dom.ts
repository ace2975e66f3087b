/** Element attributes and properties `el` sets; `text` becomes textContent. */
type Props = { readonly [name: string]: string | number | boolean | undefined };

/**
 * Creates an element. Text goes in as `textContent` and attributes through
 * setAttribute, never as markup: data and warnings come from the server.
 *
 * @param tag the element's tag
 * @param props attributes (`class`, `aria-*`, `data-*`, …); `text` sets the text
 * @param children nodes or strings (text nodes) appended in order
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (name == 'text') e.textContent = String(value);
    else e.setAttribute(name, value === true ? '' : String(value));
  }
  e.append(...children);
  return e;
}

/**
 * A table with a header row and one row per item (`empty` when there are
 * none); the `wide` columns wrap, the others keep to one line.
 */
export function table(
  head: readonly string[],
  rows: readonly (readonly (Node | string)[])[],
  empty: string,
  wide: readonly number[] = [head.length - 1],
): HTMLElement {
  if (!rows.length) return el('div', { class: 'empty', text: empty });
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => el('td', { class: wide.includes(i) ? 'wide' : undefined }, c))))),
  );
}

/** A clock time, `HH:MM:SS.mmm`, in local time. */
export const clock = (time: number): string => {
  const d = new Date(time);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};
