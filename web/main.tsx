import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { lab, startLab, warmWhenIdle } from './app/lab.ts';
import { parseRoute } from './app/route.ts';
import { installTestHook } from './testHook.ts';
import { resumeWorkshop } from './workshop/learnerWorkshop.ts';
import './styles/app.css';

installTestHook();
const route = parseRoute(location.hash);
const scenarioRoute = route.kind === 'scenario' || route.kind === 'share' || route.kind === 'interview';
// A scenario page needs the editor: fetch its chunks now rather than after the first render.
if (scenarioRoute) void import('./editor/CodeEditor.tsx');
startLab();
// Only when this browser joined a workshop room: the static lab makes no workshop request.
resumeWorkshop();
// Its downloads (the database's, above all) can start now; its warm-up waits for the editor.
if (route.kind === 'scenario') lab.prefetch(route.id);
// A scenario page warms the worker itself once its editor has loaded.
if (!scenarioRoute) warmWhenIdle();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
