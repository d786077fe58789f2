// Bar charts as SVG, written by hand for docs/benchmarks.md (bench/report.js renders them from the
// page's data): horizontal bars with their labels and values, min-max whiskers, and vertical marks
// such as a goal. Made to be read in GitHub's renderer, which shows an SVG as an image: no script, no
// external font, and a white background so that a dark theme does not swallow the text.

/** TONES are the colours of bars: rescind, the others it is measured against, an ideal, a goal met or missed. */
export const TONES = {
  rescind: '#0969da',
  other: '#8c959f',
  ideal: '#d0d7de',
  met: '#1a7f37',
  missed: '#cf222e',
};

const WIDTH = 780;
const LABEL = 270; // the labels' column
const PLOT = 370; // the bars' width at the largest value
const ROW = 22;
const BAR = 14;
const CHAR = 6.8; // the widest a character of 12 px text is, on average, in the fonts below
const FONT = 'font-family="-apple-system, BlinkMacSystemFont, Segoe UI, Helvetica, Arial, sans-serif"';

const xml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const at = (n) => Math.round(n * 10) / 10;

/**
 * barChart renders groups of horizontal bars as an SVG document. A group has an optional label and
 * bars; a bar has a label, a value, a tone (a TONES key), an optional min and max (drawn as a whisker)
 * and an optional text to show after it (default: format(value)). marks are dashed vertical lines
 * across every group, at a value, with a label at the top, drawn under the bars and their values. note is
 * a line under the chart.
 */
export function barChart({ title, groups, marks = [], format = String, note }) {
  const bars = groups.flatMap((g) => g.bars);
  const largest = Math.max(...bars.map((b) => Math.max(b.value, b.max ?? 0)), ...marks.map((m) => m.value));
  const scale = largest > 0 ? PLOT / (largest * 1.05) : 0;
  const x = (v) => at(LABEL + Math.max(0, v) * scale);
  const out = [];
  let y = 30;
  const top = y + (marks.length > 0 ? 16 : 0);
  y = top + 4;
  for (const group of groups) {
    if (group.label !== undefined) {
      out.push(`<text x="8" y="${y + 13}" font-weight="600">${xml(group.label)}</text>`);
      y += ROW;
    }
    for (const bar of group.bars) {
      const mid = y + ROW / 2;
      const tone = TONES[bar.tone] ?? TONES.other;
      out.push(`<text x="${LABEL - 8}" y="${mid + 4}" text-anchor="end">${xml(bar.label)}</text>`);
      out.push(
        `<rect x="${LABEL}" y="${mid - BAR / 2}" width="${at(x(bar.value) - LABEL)}" height="${BAR}" fill="${tone}"/>`,
      );
      let end = x(bar.value);
      if (bar.min !== undefined && bar.max !== undefined && bar.max > bar.min) {
        const [a, b] = [x(bar.min), x(bar.max)];
        out.push(
          `<path d="M${a} ${mid}H${b}M${a} ${mid - 4}V${mid + 4}M${b} ${mid - 4}V${mid + 4}" stroke="#24292f" stroke-width="1.2" fill="none"/>`,
        );
        end = Math.max(end, b);
      }
      const text = bar.text ?? format(bar.value);
      // A white box under the value, so that a mark's line behind it does not cross it out.
      out.push(
        `<rect x="${at(end + 4)}" y="${mid - 8}" width="${at(text.length * CHAR + 4)}" height="16" fill="#ffffff"/>`,
        `<text x="${at(end + 6)}" y="${mid + 4}">${xml(text)}</text>`,
      );
      y += ROW;
    }
    y += 8;
  }
  const bottom = y - 8;
  const lines = marks.map((m) => {
    const mx = x(m.value);
    return `<line x1="${mx}" y1="${top}" x2="${mx}" y2="${bottom}" stroke="#24292f" stroke-dasharray="4 3"/><text x="${mx}" y="${top - 4}" text-anchor="middle">${xml(m.label)}</text>`;
  });
  if (note !== undefined) {
    y += 4;
    out.push(`<text x="8" y="${y + 10}" fill="#57606a">${xml(note)}</text>`);
    y += ROW;
  }
  const height = Math.ceil(y + 4);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT} font-size="12" fill="#24292f">`,
    `<title>${xml(title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="18" font-size="14" font-weight="600">${xml(title)}</text>`,
    ...lines,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
