// Small DOM helpers. Data is only ever put into the page as text, never as HTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (name === 'className') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null));
}

export function code(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 1);
  return el('code', {}, text ?? '');
}

export function empty(text) {
  return el('p', { className: 'empty' }, text);
}

// columns: [{title, cell: (row) => Node|string}]
export function table(columns, rows, attrs = {}) {
  const head = el('tr', {}, columns.map((c) => el('th', {}, c.title)));
  const body = rows.map((row) => el('tr', {}, columns.map((c) => el('td', {}, c.cell(row)))));
  return el('table', attrs, el('thead', {}, head), el('tbody', {}, body));
}

export function time(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toLocaleTimeString()}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}
