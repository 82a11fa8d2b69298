import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './i18n/i18n';
import './styles/tokens.css';
import './styles/app.css';
import { listenForDialRequests } from './state/dial-request-store';
import { reportRegistrationToMain } from './state/registration-report';

// Before the first render: a link that opened the app is delivered as soon as the page has loaded.
listenForDialRequests();
// The tray shows the phone line: main hears of every change.
reportRegistrationToMain();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
