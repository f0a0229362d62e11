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

/**
 * A grouped bar chart as SVG text: one group per scenario, one bar per series (a series missing from a group leaves
 * a gap), each bar the median with a whisker from the slowest to the fastest round.
 *
 *   barChart({ title, subtitle, unit: 'ops/s', series: [{ key, name, color }],
 *              groups: [{ label, values: { [key]: { median, min, max } } }] })
 */
export function barChart({ title, subtitle, series, groups, width = 880, height = 460 }) {
  const margin = { top: 60, right: 20, bottom: 100, left: 84 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const maxValue = Math.max(...groups.flatMap((g) => Object.values(g.values).map((v) => v.max ?? v.median)));
  const step = niceStep(maxValue / 5);
  const top = Math.ceil(maxValue / step) * step;
  const y = (value) => margin.top + plotHeight - (value / top) * plotHeight;
  const groupWidth = plotWidth / groups.length;
  const barWidth = Math.min(36, (groupWidth * 0.85) / series.length);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
      `font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(margin.left, 22, title, { size: 15, weight: 'bold' }),
    text(margin.left, 40, subtitle, { fill: '#555' }),
  ];
  for (let value = 0; value <= top; value += step) {
    const lineY = y(value);
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${lineY}" y2="${lineY}" stroke="#e5e7eb"/>`);
    parts.push(text(margin.left - 8, lineY + 4, formatShort(value), { anchor: 'end', fill: '#555' }));
  }
  groups.forEach((group, g) => {
    const groupX = margin.left + g * groupWidth + (groupWidth - barWidth * series.length) / 2;
    series.forEach((one, i) => {
      const value = group.values[one.key];
      if (value === undefined) return;
      const x = groupX + i * barWidth;
      const barY = y(value.median);
      const range = value.min === undefined ? '' : ` (rounds ${Math.round(value.min).toLocaleString('en-US')}–${Math.round(value.max).toLocaleString('en-US')})`;
      parts.push(
        `<rect x="${x + 2}" y="${barY}" width="${barWidth - 4}" height="${margin.top + plotHeight - barY}" fill="${one.color}">` +
          `<title>${escape(one.name)}, ${escape(group.label)}: median ${Math.round(value.median).toLocaleString('en-US')}${range}</title></rect>`,
      );
      if (value.min !== undefined) {
        const cx = x + barWidth / 2;
        parts.push(`<line x1="${cx}" x2="${cx}" y1="${y(value.min)}" y2="${y(value.max)}" stroke="#111827" stroke-width="1"/>`);
        parts.push(`<line x1="${cx - 3}" x2="${cx + 3}" y1="${y(value.max)}" y2="${y(value.max)}" stroke="#111827" stroke-width="1"/>`);
        parts.push(`<line x1="${cx - 3}" x2="${cx + 3}" y1="${y(value.min)}" y2="${y(value.min)}" stroke="#111827" stroke-width="1"/>`);
      }
      parts.push(text(x + barWidth / 2, Math.min(barY, y(value.max ?? value.median)) - 4, formatShort(value.median), { anchor: 'middle', size: 9, fill: '#333' }));
    });
    parts.push(text(margin.left + g * groupWidth + groupWidth / 2, margin.top + plotHeight + 18, group.label, { anchor: 'middle' }));
  });
  parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#9ca3af"/>`);
  let legendX = margin.left;
  let legendY = margin.top + plotHeight + 42;
  for (const one of series) {
    const itemWidth = 18 + one.name.length * 6.6 + 20;
    if (legendX + itemWidth > width - margin.right) {
      legendX = margin.left;
      legendY += 20;
    }
    parts.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${one.color}"/>`);
    parts.push(text(legendX + 18, legendY, one.name));
    legendX += itemWidth;
  }
  parts.push(text(width - margin.right, height - 8, 'bars: median of the rounds; whiskers: slowest to fastest round', { anchor: 'end', size: 10, fill: '#555' }));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
