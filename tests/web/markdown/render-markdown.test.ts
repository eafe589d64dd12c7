import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../web/markdown/renderMarkdown.ts';

describe('renderMarkdown (scenario READMEs in the lab)', () => {
  it('escapes HTML, so a README cannot inject markup', () => {
    const html = renderMarkdown('Hello <script>alert(1)</script> & <b>bold</b>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&amp;');
  });

  it('renders the subset READMEs use', () => {
    const html = renderMarkdown(
      '# Title\n\nSome **bold**, *em* and `code <x>`.\n\n- one\n- two\n\n1. first\n2. second\n\n```ts\nconst a = 1 < 2;\n```\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    );
    expect(html).toContain('<h2>Title</h2>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toContain('<code>code &lt;x&gt;</code>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<ol><li>first</li><li>second</li></ol>');
    expect(html).toContain('<pre><code>const a = 1 &lt; 2;</code></pre>');
    expect(html).toContain('<blockquote><p>quoted</p></blockquote>');
    expect(html).toContain('<td>1</td>');
  });

  it('keeps only safe link targets', () => {
    expect(renderMarkdown('[ok](https://example.com)')).toContain('href="https://example.com"');
    expect(renderMarkdown('[bad](javascript:alert(1))')).not.toContain('href');
  });
});
