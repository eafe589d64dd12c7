import { lazy, Suspense, useEffect, useState } from 'react';
import { parseRoute, replaceRoute, scenarioHref, useHash } from './route.ts';
import { openShareLink } from '../share/openShareLink.ts';
import { CatalogPage } from '../catalog/CatalogPage.tsx';
import { ScenarioPage } from '../scenario/ScenarioPage.tsx';
import { NoticeBar } from './NoticeBar.tsx';
import { findScenario } from '../catalog/scenarios.ts';
import { WorkshopBar } from '../workshop/WorkshopBar.tsx';

// Interview rounds are loaded only when one is opened: most visitors never see them.
const InterviewPage = lazy(() => import('../interview/InterviewPage.tsx').then((m) => ({ default: m.InterviewPage })));
const InterviewerForm = lazy(() => import('../interview/InterviewerForm.tsx').then((m) => ({ default: m.InterviewerForm })));
// So are a workshop's pages: only a host, or a learner joining, opens them.
const HostForm = lazy(() => import('../workshop/HostForm.tsx').then((m) => ({ default: m.HostForm })));
const HostDashboard = lazy(() => import('../workshop/HostDashboard.tsx').then((m) => ({ default: m.HostDashboard })));
const JoinPage = lazy(() => import('../workshop/JoinPage.tsx').then((m) => ({ default: m.JoinPage })));

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
      route.kind === 'interview'
        ? 'Interview round · Tailspin'
        : route.kind === 'workshopHost'
          ? `Workshop ${route.code} · Tailspin`
          : title
            ? `${title} · Tailspin`
            : 'Tailspin · backend performance lab';
  }, [route.kind === 'scenario' ? route.id : route.kind]);
  const hostPage = route.kind === 'workshopHost' || route.kind === 'workshopNew';

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
      {/* A host's pages are about the whole room, not this browser's own place in one. */}
      {!hostPage && <WorkshopBar openScenarioId={route.kind === 'scenario' ? route.id : null} />}
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
      ) : route.kind === 'workshopNew' ? (
        <Suspense fallback={null}>
          <HostForm />
        </Suspense>
      ) : route.kind === 'workshopHost' ? (
        <Suspense fallback={null}>
          <HostDashboard key={route.code} code={route.code} />
        </Suspense>
      ) : route.kind === 'workshopJoin' ? (
        <Suspense fallback={null}>
          <JoinPage key={route.code} code={route.code} />
        </Suspense>
      ) : null}
    </div>
  );
}
