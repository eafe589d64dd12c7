import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { startLab, warmWhenIdle } from './app/lab.ts';
import { installTestHook } from './testHook.ts';
import './styles/app.css';

installTestHook();
const scenarioRoute = /^#\/(s|share)\//.test(location.hash);
// A scenario page needs the editor: fetch its chunks now rather than after the first render.
if (scenarioRoute) void import('./editor/CodeEditor.tsx');
startLab();
// A scenario page warms the worker itself once its editor has loaded.
if (!scenarioRoute) warmWhenIdle();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
