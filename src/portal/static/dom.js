// Every piece of text goes in with textContent: whatever a description or an answer holds is shown as text.

/** An element with text, attributes and children. */
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
  if (options.className) node.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  if (options.onClick) node.addEventListener('click', options.onClick);
  for (const child of children) if (child) node.append(child);
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

export function setText(id, text) {
  byId(id).textContent = text === null || text === undefined ? '' : String(text);
}

export function clear(node) {
  node.replaceChildren();
}

export function show(id, visible = true) {
  byId(id).hidden = !visible;
}

export function utc(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : '';
}
