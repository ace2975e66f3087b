/**
 * The panel's style sheet, inside its shadow root: page rules do not reach in
 * and these do not leak out. Page rules still match the host itself (`*`)
 * and beat `:host`, so what the panel inherits is reset on `.root`, inside.
 */
export const panelStyle = `
:host { all: initial; }
.root { all: initial; display: block; position: fixed; right: 8px; bottom: 8px; z-index: 2147483647;
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #e6e6e6; }
* { box-sizing: border-box; }
button { font: inherit; color: inherit; cursor: pointer; }
.toggle { white-space: nowrap; background: #1f2937; border: 1px solid #4b5563; border-radius: 14px; padding: 4px 10px; }
.toggle[aria-expanded='true'] { position: absolute; right: 0; bottom: 0; }
.panel { position: absolute; right: 0; bottom: 32px; width: min(720px, calc(100vw - 16px));
  height: min(420px, calc(100vh - 56px)); display: flex; flex-direction: column;
  background: #111827; border: 1px solid #4b5563; border-radius: 6px; overflow: hidden; }
.panel[hidden] { display: none; }
.tabs { display: flex; gap: 2px; padding: 4px; border-bottom: 1px solid #374151; flex: none; }
.tabs button { background: none; border: 0; border-radius: 4px; padding: 3px 8px; }
.tabs button[aria-selected='true'] { background: #374151; }
.body { overflow: auto; padding: 4px 8px; flex: 1; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; color: #9ca3af; font-weight: normal; position: sticky; top: 0; background: #111827; }
td, th { padding: 2px 6px 2px 0; vertical-align: top; white-space: nowrap; }
td.wide { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 16em; }
.empty { color: #9ca3af; padding: 8px 0; }
.success, .open { color: #34d399; }
.error, .closed { color: #f87171; }
.loading, .connecting { color: #fbbf24; }
.warn { color: #fbbf24; }
details > summary { cursor: pointer; }
pre { margin: 2px 0 6px; white-space: pre-wrap; overflow-wrap: anywhere; color: #d1d5db; }
`;
