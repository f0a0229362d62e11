// Small SVG helpers shared by the chart scripts (no dependencies: the charts are plain SVG text).

export function text(x, yPos, content, { anchor = 'start', size, weight, fill } = {}) {
  const attrs = [`x="${x}"`, `y="${yPos}"`, `text-anchor="${anchor}"`];
  if (size !== undefined) attrs.push(`font-size="${size}"`);
  if (weight !== undefined) attrs.push(`font-weight="${weight}"`);
  if (fill !== undefined) attrs.push(`fill="${fill}"`);
  return `<text ${attrs.join(' ')}>${escape(content)}</text>`;
}

export function escape(value) {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

export function formatShort(value) {
  if (value >= 1e6) return `${(value / 1e6).toFixed(value % 1e6 === 0 ? 0 : 1)}M`;
  if (value >= 1e3) return `${Math.round(value / 1e3)}k`;
  return String(Math.round(value));
}
