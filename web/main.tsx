import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { startLab } from './app/lab.ts';
import { installTestHook } from './testHook.ts';
import './styles/app.css';

installTestHook();
startLab();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
