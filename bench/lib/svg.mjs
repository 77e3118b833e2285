// The results chart: one horizontal bar per comparison, the speed-up on a log scale with 1x in the
// middle (bars to the right: venvkit faster; to the left: slower), the target marked on each bar
// that has one. Hand-written SVG (pure: rows in, text out).

const ROW_H = 38;
const BAR_H = 16;
const FONT = 'font-family="DejaVu Sans, Verdana, Arial, sans-serif"';
const TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const COLORS = { PASS: '#2e7d32', SHORT: '#d84315', none: '#1565c0', text: '#212121', grid: '#e0e0e0', muted: '#757575', target: '#000000' };

export function escapeXml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Approximate width of text in px at a font size (for layout only). */
export function textWidth(s, size) {
  return [...String(s)].length * size * 0.58;
}

/** The log-scale domain [lo, hi] as ticks around every value (always including 0.5x..2x). */
export function domain(values) {
  const v = values.filter((x) => x != null && Number.isFinite(x) && x > 0);
  const min = Math.min(0.5, ...v);
  const max = Math.max(2, ...v);
  const lo = [...TICKS].reverse().find((t) => t <= min) ?? TICKS[0];
  const hi = TICKS.find((t) => t >= max) ?? TICKS[TICKS.length - 1];
  return [lo, hi];
}

export function formatTimes(x) {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  return `${x.toFixed(digits)}×`;
}

/** The text right of a bar: the speed-up, an absolute figure where the target is one, the verdict. */
export function valueText(r) {
  if (r.speedup == null || !Number.isFinite(r.speedup)) return '';
  return formatTimes(r.speedup) + (r.speedup < 1 ? ' (slower)' : '') + (r.extra ? ` · ${r.extra}` : '') + (r.verdict ? ` ${r.verdict}` : '');
}

function tickLabel(t) {
  return `${t}×`;
}

/**
 * rows: [{ label, sublabel?, speedup (number|null), targetSpeedup (number|null), verdict ('PASS'|'SHORT'|null),
 *          extra? (e.g. '3.10 ms'), note (text shown instead of a bar when speedup is null) }]
 * meta: { title, subtitle, footer }
 */
export function renderChart(rows, meta) {
  const labelW = Math.ceil(Math.min(520, Math.max(180, ...rows.map((r) => Math.max(textWidth(r.label, 12), textWidth(r.sublabel ?? '', 11)))) + 16));
  const valueW = Math.ceil(Math.max(150, ...rows.map((r) => textWidth(valueText(r), 12) + 24)));
  const width = Math.max(900, labelW + 420 + valueW);
  const x0 = labelW + 10;
  const x1 = width - valueW;
  const top = 70;
  const plotH = rows.length * ROW_H;
  const axisY = top + plotH;
  const height = axisY + 86;
  const [lo, hi] = domain(rows.flatMap((r) => [r.speedup, r.targetSpeedup]));
  const x = (v) => x0 + ((Math.log10(Math.min(Math.max(v, lo), hi)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (x1 - x0);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(meta.title)}">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="16" y="26" ${FONT} font-size="17" font-weight="bold" fill="${COLORS.text}">${escapeXml(meta.title)}</text>`);
  if (meta.subtitle) out.push(`<text x="16" y="46" ${FONT} font-size="12" fill="${COLORS.muted}">${escapeXml(meta.subtitle)}</text>`);
  // Grid and axis.
  for (const t of TICKS.filter((t) => t >= lo && t <= hi)) {
    const gx = x(t).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${axisY}" stroke="${t === 1 ? '#9e9e9e' : COLORS.grid}" stroke-width="${t === 1 ? 1.5 : 1}"/>`);
    out.push(`<text x="${gx}" y="${axisY + 16}" ${FONT} font-size="11" text-anchor="middle" fill="${COLORS.muted}">${tickLabel(t)}</text>`);
  }
  out.push(`<line x1="${x0}" y1="${axisY}" x2="${x1}" y2="${axisY}" stroke="#9e9e9e"/>`);
  out.push(`<text x="${((x0 + x1) / 2).toFixed(1)}" y="${axisY + 34}" ${FONT} font-size="12" text-anchor="middle" fill="${COLORS.text}">times faster than the other tool (peer median / venvkit median, log scale; left of 1× = slower)</text>`);
  out.push(`<text x="${(x(1) + 4).toFixed(1)}" y="${top - 10}" ${FONT} font-size="10" fill="${COLORS.muted}">1× = same speed</text>`);
  rows.forEach((r, i) => {
    const cy = top + i * ROW_H + ROW_H / 2;
    if (i % 2 === 1) out.push(`<rect x="8" y="${top + i * ROW_H}" width="${width - 16}" height="${ROW_H}" fill="#000000" fill-opacity="0.03"/>`);
    if (r.sublabel) {
      out.push(`<text x="${labelW}" y="${cy - 2}" ${FONT} font-size="12" text-anchor="end" fill="${COLORS.text}">${escapeXml(r.label)}</text>`);
      out.push(`<text x="${labelW}" y="${cy + 12}" ${FONT} font-size="11" text-anchor="end" fill="${COLORS.muted}">${escapeXml(r.sublabel)}</text>`);
    } else {
      out.push(`<text x="${labelW}" y="${cy + 4}" ${FONT} font-size="12" text-anchor="end" fill="${COLORS.text}">${escapeXml(r.label)}</text>`);
    }
    if (r.speedup == null || !Number.isFinite(r.speedup)) {
      out.push(`<text x="${x0 + 6}" y="${cy + 4}" ${FONT} font-size="12" font-style="italic" fill="${COLORS.muted}">${escapeXml(r.note || 'no result')}</text>`);
    } else {
      const a = x(1);
      const b = x(r.speedup);
      const color = r.verdict === 'PASS' ? COLORS.PASS : r.verdict === 'SHORT' ? COLORS.SHORT : COLORS.none;
      out.push(`<rect x="${Math.min(a, b).toFixed(1)}" y="${(cy - BAR_H / 2).toFixed(1)}" width="${Math.max(1, Math.abs(b - a)).toFixed(1)}" height="${BAR_H}" fill="${color}" rx="2"/>`);
      const value = valueText(r);
      out.push(`<text x="${x1 + 8}" y="${cy + 4}" ${FONT} font-size="12" font-weight="bold" fill="${color}">${escapeXml(value)}</text>`);
    }
    if (r.targetSpeedup != null && r.speedup != null) {
      const tx = x(r.targetSpeedup).toFixed(1);
      out.push(`<line x1="${tx}" y1="${(cy - ROW_H / 2 + 3).toFixed(1)}" x2="${tx}" y2="${(cy + ROW_H / 2 - 3).toFixed(1)}" stroke="${COLORS.target}" stroke-width="2.5" stroke-dasharray="4 2"/>`);
    }
  });
  // Legend.
  const ly = axisY + 56;
  const legend = [
    ['rect', COLORS.PASS, 'meets its target'],
    ['rect', COLORS.SHORT, 'short of its target'],
    ['rect', COLORS.none, 'no target'],
    ['line', COLORS.target, 'target'],
  ];
  let lx = 16;
  for (const [kind, color, text] of legend) {
    if (kind === 'rect') out.push(`<rect x="${lx}" y="${ly - 9}" width="14" height="10" fill="${color}" rx="2"/>`);
    else out.push(`<line x1="${lx + 7}" y1="${ly - 11}" x2="${lx + 7}" y2="${ly + 3}" stroke="${color}" stroke-width="2.5" stroke-dasharray="4 2"/>`);
    out.push(`<text x="${lx + 20}" y="${ly}" ${FONT} font-size="11" fill="${COLORS.text}">${escapeXml(text)}</text>`);
    lx += Math.round(20 + textWidth(text, 11) + 22);
  }
  if (meta.footer) out.push(`<text x="16" y="${ly + 20}" ${FONT} font-size="10" fill="${COLORS.muted}">${escapeXml(meta.footer)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
