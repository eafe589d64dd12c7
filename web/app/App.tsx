import { lazy, Suspense, useEffect, useState } from 'react';
import { parseRoute, replaceRoute, scenarioHref, useHash } from './route.ts';
import { openShareLink } from '../share/openShareLink.ts';
import { CatalogPage } from '../catalog/CatalogPage.tsx';
import { ScenarioPage } from '../scenario/ScenarioPage.tsx';
import { NoticeBar } from './NoticeBar.tsx';
import { findScenario } from '../catalog/scenarios.ts';

// Interview rounds are loaded only when one is opened: most visitors never see them.
const InterviewPage = lazy(() => import('../interview/InterviewPage.tsx').then((m) => ({ default: m.InterviewPage })));
const InterviewerForm = lazy(() => import('../interview/InterviewerForm.tsx').then((m) => ({ default: m.InterviewerForm })));

export function App() {
  const route = parseRoute(useHash());
  // Bumped by each share link so an already open scenario page reloads its code.
  const [loadCount, setLoadCount] = useState(0);

  useEffect(() => {
    if (route.kind !== 'share') return;
    const id = openShareLink(route.payload);
    setLoadCount((n) => n + 1);
    replaceRoute(id ? scenarioHref(id) : '#/');
  }, [route.kind === 'share' ? route.payload : null]);

  useEffect(() => {
    const title = route.kind === 'scenario' ? findScenario(route.id)?.readme?.meta.title : undefined;
    document.title =
      route.kind === 'interview' ? 'Interview round · Tailspin' : title ? `${title} · Tailspin` : 'Tailspin · backend performance lab';
  }, [route.kind === 'scenario' ? route.id : route.kind]);

  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          <span className="brand-mark" aria-hidden="true">
            ◢
          </span>{' '}
          Tailspin
        </a>
        <span className="topbar-tagline">Fix the service. Meet the SLOs.</span>
      </header>
      <NoticeBar />
      {route.kind === 'scenario' ? (
        <ScenarioPage key={`${route.id}:${loadCount}`} id={route.id} />
      ) : route.kind === 'catalog' ? (
        <CatalogPage />
      ) : route.kind === 'interview' ? (
        <Suspense fallback={null}>
          <InterviewPage key={route.payload} payload={route.payload} />
        </Suspense>
      ) : route.kind === 'interviewer' ? (
        <Suspense fallback={null}>
          <InterviewerForm />
        </Suspense>
      ) : null}
    </div>
  );
}
