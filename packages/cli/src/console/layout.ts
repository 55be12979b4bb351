/** The page around every console view, and the headers every console answer carries. */
import { html, type Html } from './html';

/** No inline script or style, nothing from elsewhere, no framing, forms only to the console itself. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'cache-control': 'no-store',
};

export interface PageParts {
  readonly prefix: string;
  readonly title: string;
  readonly body: Html;
  /** Whether the header shows the search form and the sign-out button (not on the login page). */
  readonly signedIn: boolean;
  /** The search box's current text. */
  readonly query?: string;
  /** Attributes of <main> for the live updates (the order page's event stream). */
  readonly live?: string;
}

/** A whole HTML document. */
export const page = (p: PageParts): Html => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<link rel="icon" href="data:,">
<title>${p.title} · paystate console</title>
<link rel="stylesheet" href="${p.prefix}/static/console.css">
<script src="${p.prefix}/static/live.js" defer></script>
</head>
<body>
<header class="top">
<a class="brand" href="${p.prefix}/">paystate console</a>
${
  p.signedIn
    ? html`<form class="search" role="search" method="get" action="${p.prefix}/">
<label for="q">Order or transaction id</label>
<input id="q" name="q" type="search" maxlength="128" value="${p.query ?? ''}" autocomplete="off" spellcheck="false">
<button type="submit">Find</button>
</form>
<form class="signout" method="post" action="${p.prefix}/logout"><button type="submit">Sign out</button></form>`
    : null
}
</header>
<main id="main"${p.live === undefined ? null : html` data-live="${p.live}"`}>
${p.body}
</main>
<footer class="bottom"><p>Read-only: this console never changes a payment. Times are as recorded (UTC) unless marked GMT+7.</p></footer>
</body>
</html>
`;
