/**
 * Renders a component of the lab to HTML in Node (no DOM, no effects), for tests of what the
 * page says and in which order: `html` to find elements by their test ids, `text` for the words.
 */
import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

export function renderHtml<P extends object>(component: FunctionComponent<P>, props: P): string {
  return renderToStaticMarkup(createElement(component, props));
}

/** The visible text of some HTML: tags dropped, entities decoded, spaces collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The HTML of each table row, in order. */
export function rowsOf(html: string): string[] {
  return html
    .split('<tr')
    .slice(1)
    .map((row) => `<tr${row}`);
}
