import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { scheduleWarmUp, startLab } from './app/lab.ts';
import { installTestHook } from './testHook.ts';
import './styles/app.css';

installTestHook();
const scenarioRoute = /^#\/(s|share)\//.test(location.hash);
// A scenario page needs the editor: fetch its chunks now rather than after the first render.
if (scenarioRoute) void import('./editor/CodeEditor.tsx');
startLab();
scheduleWarmUp(scenarioRoute);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
