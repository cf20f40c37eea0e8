/** Small DOM helpers: every text that comes from data goes through `esc`. */
export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const num = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

export function trend(x: number): string {
  const arrow = x > 0.5 ? '▲' : x < -0.5 ? '▼' : '▬';
  return `<span title="${esc(num(x))} points">${arrow} ${esc(num(x))}</span>`;
}

export const day = (ms: number | undefined) =>
  ms === undefined ? '–' : new Date(ms).toISOString().slice(0, 10);

export function badge(cls: string, text = cls): string {
  return `<span class="badge ${esc(cls)}">${esc(text)}</span>`;
}

export function mount(html: string): HTMLElement {
  const main = document.getElementById('app') as HTMLElement;
  main.innerHTML = html;
  return main;
}
