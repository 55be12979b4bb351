/** The sign-in form: the read token, sent once, answered with the console's session cookie. */
import { html, type Html } from './html';

export const loginBody = (prefix: string, next: string, failed: boolean): Html => html`<h1>Sign in</h1>
<form class="login" method="post" action="${prefix}/login">
${failed ? html`<p class="error" role="alert">That is not the read token this server was started with.</p>` : null}
<p>The console is read-only. Sign in with the read token <code>paystate serve</code> was given (<code>--read-token</code> or <code>PAYSTATE_READ_TOKEN</code>).</p>
<label for="token">Read token</label>
<input id="token" name="token" type="password" required autocomplete="current-password" maxlength="1024">
<input type="hidden" name="next" value="${next}">
<button type="submit">Sign in</button>
</form>`;
