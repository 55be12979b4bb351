/**
 * The console's two static files, served from its own origin: the style sheet and the script that
 * keeps an order page live. Plain CSS and plain ES2017, no build step; the script never inserts
 * text as markup it made itself: it swaps in the server-rendered, escaped <main> of the page.
 */

export const CONSOLE_CSS = `:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5360; --line: #c9d1d9; --bg: #ffffff; --soft: #f4f6f8; --link: #0b57a4; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.top { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: center; padding: 10px 20px; background: #14213d; color: #ffffff; }
.top a.brand { color: #ffffff; font-weight: 700; text-decoration: none; font-size: 17px; }
.top label { color: #ffffff; margin-right: 6px; }
.search { display: flex; align-items: center; flex: 1 1 420px; }
.search input { flex: 1; min-width: 12em; padding: 5px 8px; border: 1px solid #8a94a3; border-radius: 4px; font: inherit; }
button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid #14213d; background: #ffffff; color: #14213d; cursor: pointer; margin-left: 6px; }
main { padding: 16px 20px 32px; max-width: 1280px; }
.bottom { padding: 8px 20px 20px; color: var(--muted); font-size: 13px; }
h1 { font-size: 22px; margin: 4px 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; }
td.id, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; padding: 0; margin: 0 0 12px; }
.counts a { display: block; padding: 8px 14px; border: 1px solid var(--line); border-radius: 6px; text-decoration: none; color: var(--ink); background: var(--soft); }
.counts a[aria-current="page"] { border-color: #14213d; background: #14213d; color: #ffffff; }
.counts .n { font-size: 20px; font-weight: 700; margin-right: 6px; }
.note { background: #fff4d6; border: 1px solid #d9a400; border-radius: 6px; padding: 8px 12px; }
.pager { display: flex; gap: 16px; margin-top: 12px; }
.answers { display: grid; grid-template-columns: max-content max-content 1fr; gap: 4px 16px; margin: 0; }
.answers dt { font-weight: 600; }
.answers dd { margin: 0; }
.answers dd.why { color: var(--muted); }
.yes { color: #0b5d1e; font-weight: 700; }
.no { color: #8a1c1c; font-weight: 700; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; font-weight: 600; border: 1px solid; }
.o-applied { background: #dcf5e3; color: #0b5d1e; border-color: #0b5d1e; }
.o-duplicate { background: #eceff3; color: #3a4350; border-color: #3a4350; }
.o-ignored { background: #e3edf9; color: #1d4a7a; border-color: #1d4a7a; }
.o-stale { background: #fff1cc; color: #6b4a00; border-color: #6b4a00; }
.o-illegal { background: #ffe3d1; color: #8a3200; border-color: #8a3200; }
.o-rejected { background: #fde2e2; color: #8a1c1c; border-color: #8a1c1c; }
.sig-valid { color: #0b5d1e; }
.sig-invalid { color: #8a1c1c; font-weight: 700; }
.sig-none { color: var(--muted); }
details > summary { cursor: pointer; color: var(--link); }
pre { background: var(--soft); border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 28em; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.machines { display: flex; flex-wrap: wrap; gap: 16px; }
.machines figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #ffffff; }
.machines figcaption { font-weight: 600; margin-bottom: 4px; }
.machines svg { max-width: 100%; height: auto; }
.live { color: var(--muted); font-size: 13px; }
.login { max-width: 28em; }
.login input { width: 100%; padding: 6px 8px; font: inherit; margin: 4px 0 10px; }
.login button { margin-left: 0; }
.error { color: #8a1c1c; font-weight: 600; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

export const LIVE_JS = `// paystate console: keeps an order page current. The server says when the order has a new
// observation (server-sent events); the page then fetches itself again and swaps in its <main>.
(function () {
  'use strict';
  var main = document.getElementById('main');
  var url = main && main.getAttribute('data-live');
  if (!url || typeof EventSource === 'undefined') return;
  var busy = false;
  var again = false;
  var say = function (text) {
    var s = document.getElementById('live-status');
    if (s) s.textContent = text;
  };
  var refresh = function () {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.text();
      })
      .then(function (text) {
        var next = new DOMParser().parseFromString(text, 'text/html').getElementById('main');
        if (!next) return;
        var open = {};
        main.querySelectorAll('details[open][id]').forEach(function (d) { open[d.id] = true; });
        main.replaceChildren.apply(main, Array.prototype.map.call(next.childNodes, function (n) { return document.importNode(n, true); }));
        main.querySelectorAll('details[id]').forEach(function (d) { if (open[d.id]) d.open = true; });
        say('Updated at ' + new Date().toLocaleTimeString() + ': a new observation was recorded.');
      })
      .catch(function (e) { say('Could not refresh the page (' + e.message + '); reload it.'); })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  };
  var source = new EventSource(url);
  source.addEventListener('open', function () { say('Live: this page updates when a new observation is recorded.'); });
  source.addEventListener('change', refresh);
  source.addEventListener('error', function () {
    say(source.readyState === EventSource.CLOSED ? 'Live updates stopped: reload the page to resume them.' : 'Live updates paused; reconnecting.');
  });
})();
`;
