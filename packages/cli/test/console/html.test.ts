/** The console's one escaping function, and the template that applies it to every interpolation. */
import fc from 'fast-check';
import { escapeHtml, html, pathSegment, raw } from '../../src/console/html';

const unescape = (s: string): string =>
  s.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e]!);

describe('escapeHtml', () => {
  test('the markup characters become entities; plain text is unchanged', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y' \`z\``)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;z&#96;');
    expect(escapeHtml('order-42 · 145.000,00 Rp')).toBe('order-42 · 145.000,00 Rp');
    expect(escapeHtml(42)).toBe('42');
  });

  test('control characters and lone surrogates are replaced; tab and newlines stay', () => {
    expect(escapeHtml('a\u0000b\u0007c\td\ne\r\u007f')).toBe('a\ufffdb\ufffdc\td\ne\r\ufffd');
    expect(escapeHtml('x\ud800y\udc00z\ud83d\ude00')).toBe('x\ufffdy\ufffdz\ud83d\ude00');
  });

  test('any string: no markup character survives, and unescaping gives the text back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 60 }), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"'`]/);
        expect(e.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toContain('&');
        expect(unescape(e)).toBe(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('html', () => {
  test('escapes every interpolation, in text and in attributes, and joins arrays', () => {
    const id = '"><img src=x onerror=alert(1)>';
    expect(html`<a href="/o/${id}" title="${id}">${id}</a>`.__html).toBe(
      '<a href="/o/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a>',
    );
    expect(html`<ul>${['<a>', '<b>'].map((x) => html`<li>${x}</li>`)}</ul>`.__html).toBe('<ul><li>&lt;a&gt;</li><li>&lt;b&gt;</li></ul>');
  });

  test('markup built by html, or marked raw, is kept; null, undefined and booleans vanish', () => {
    expect(html`<p>${html`<b>${'<i>'}</b>`}${raw('<br>')}${null}${undefined}${false}${true}</p>`.__html).toBe('<p><b>&lt;i&gt;</b><br></p>');
  });

  test('a path segment keeps slashes, queries, fragments and dots inside it', () => {
    expect(pathSegment('../a/b?c#d')).toBe('%2E%2E%2Fa%2Fb%3Fc%23d');
    expect(decodeURIComponent(pathSegment('../a/b?c#d'))).toBe('../a/b?c#d');
  });
});
