/**
 * Hash routes: what each fragment opens, scenario links that round-trip, and fragments of no
 * known shape falling back to the catalog rather than throwing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRoute, replaceRoute, scenarioHref, workshopHostHref, workshopJoinHref } from '../../../web/app/route.ts';
import { encodeShare } from '../../../web/share/shareLink.ts';

describe('routes', () => {
  it.each(['', '#', '#/', '#/unknown', '#/s/', '#/s', '#/s/a/b', '#/sx/a', 's/a'])('open the catalog for %j', (hash) => {
    expect(parseRoute(hash)).toEqual({ kind: 'catalog' });
  });

  it.each(['blocking-event-loop', 'n-plus-one', 'a.b_c-1', 'constructor'])('round-trip the scenario id %j', (id) => {
    expect(parseRoute(scenarioHref(id))).toEqual({ kind: 'scenario', id });
    expect(parseRoute(`${scenarioHref(id)}/`)).toEqual({ kind: 'scenario', id });
  });

  it('send an id outside the scenario alphabet to the catalog, never throwing on a bad escape', () => {
    expect(parseRoute(scenarioHref('a b'))).toEqual({ kind: 'catalog' });
    expect(parseRoute('#/s/%E0%A4%A')).toEqual({ kind: 'catalog' });
    expect(parseRoute('#/s/<script>')).toEqual({ kind: 'catalog' });
  });

  it('open the workshop pages: the host form, a join page with or without a code, a host dashboard', () => {
    expect(parseRoute('#/workshop/new')).toEqual({ kind: 'workshopNew' });
    expect(parseRoute('#/workshop')).toEqual({ kind: 'workshopJoin', code: '' });
    expect(parseRoute('#/workshop/')).toEqual({ kind: 'workshopJoin', code: '' });
    expect(parseRoute(workshopJoinHref('k7qxm2'))).toEqual({ kind: 'workshopJoin', code: 'K7QXM2' });
    expect(parseRoute(workshopHostHref('K7QXM2'))).toEqual({ kind: 'workshopHost', code: 'K7QXM2' });
    expect(parseRoute('#/workshop/K7QXM2/host/')).toEqual({ kind: 'workshopHost', code: 'K7QXM2' });
    for (const hash of ['#/workshop/host/x', '#/workshop/<b>', '#/workshop/K7QXM2/hostx', '#/workshop//host'])
      expect(parseRoute(hash)).toEqual({ kind: 'catalog' });
  });

  it("hand a share link's payload over as it is", () => {
    const hash = encodeShare({ scenarioId: 'a', code: 'x', seed: 1, loadScale: 1 });
    expect(parseRoute(hash)).toEqual({ kind: 'share', payload: hash.slice('#/share/'.length) });
    expect(parseRoute('#/share/')).toEqual({ kind: 'share', payload: '' });
  });

  describe('replaceRoute', () => {
    afterEach(() => vi.unstubAllGlobals());

    function page() {
      const replaced: string[] = [];
      const target = new EventTarget();
      const changes: string[] = [];
      target.addEventListener('hashchange', (e) => changes.push(e.type));
      vi.stubGlobal('history', { replaceState: (_: unknown, __: string, url: string) => replaced.push(url) });
      vi.stubGlobal('location', { pathname: '/lab/', search: '?x=1' });
      vi.stubGlobal('window', target);
      vi.stubGlobal('HashChangeEvent', class extends Event {});
      return { replaced, changes };
    }

    it('replaces the history entry and tells listeners', () => {
      const { replaced, changes } = page();
      replaceRoute('#/s/a');
      expect(replaced).toEqual(['#/s/a']);
      expect(changes).toEqual(['hashchange']);
    });

    it('drops the fragment altogether for the catalog', () => {
      const { replaced } = page();
      replaceRoute('#/');
      expect(replaced).toEqual(['/lab/?x=1']);
    });
  });
});
