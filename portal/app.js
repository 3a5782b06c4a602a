// ECAR portal: plain ES modules, no inline script, no third-party code (CSP script-src 'self').
// Every value from the API is written with textContent, never as HTML (APP-3).
import { sectionsFor } from './permissions.js';

const $ = (id) => document.getElementById(id);
const state = { csrfToken: undefined, mfaToken: undefined, user: undefined };

function show(...ids) {
  for (const id of ['login-form', 'mfa-form', 'enrol-form', 'recovery', 'view']) $(id).hidden = !ids.includes(id);
}

function say(text) {
  $('message').textContent = text ?? '';
  $('message').hidden = !text;
}

async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const error = new Error(data.detail ?? data.title ?? `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

async function afterSignIn(result) {
  if (result.csrfToken) state.csrfToken = result.csrfToken;
  if (result.status === 'mfa_enrolment_required') return startEnrolment();
  if (Array.isArray(result.recoveryCodes)) return showRecoveryCodes(result.recoveryCodes);
  return enterPortal();
}

async function startEnrolment() {
  const enrolment = await api('/api/v1/auth/mfa/totp/setup', { method: 'POST', body: {} });
  $('enrol-qr').src = enrolment.qrCodeDataUrl ?? enrolment.qrCode ?? '';
  $('enrol-secret').textContent = enrolment.secret ?? '';
  show('enrol-form');
}

function showRecoveryCodes(codes) {
  const list = $('recovery-codes');
  list.replaceChildren(...codes.map((code) => Object.assign(document.createElement('li'), { textContent: code })));
  show('recovery');
}

async function enterPortal() {
  const me = await api('/api/v1/auth/me');
  state.user = me;
  if (!state.csrfToken) state.csrfToken = (await api('/api/v1/auth/csrf')).csrfToken;
  $('who').textContent = `${me.displayName || me.email} · ${me.role}`;
  $('logout').hidden = false;
  const nav = $('nav');
  const sections = sectionsFor(me.role);
  nav.replaceChildren(
    ...sections.map((section) => {
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: section.label });
      button.dataset.section = section.id;
      button.addEventListener('click', () => openSection(section).catch((error) => say(error.message)));
      return button;
    }),
  );
  nav.hidden = false;
  say('');
  if (sections[0]) await openSection(sections[0]);
}

function rowsOf(data) {
  if (Array.isArray(data)) return data;
  for (const key of ['items', 'data', 'results']) if (Array.isArray(data[key])) return data[key];
  return [];
}

function cellText(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

async function openSection(section) {
  const rows = rowsOf(await api(section.path));
  $('view-title').textContent = section.label;
  const columns = [...new Set(rows.slice(0, 20).flatMap((row) => Object.keys(row)))].slice(0, 8);
  const head = document.createElement('tr');
  head.replaceChildren(...columns.map((column) => Object.assign(document.createElement('th'), { textContent: column })));
  $('view-table').tHead.replaceChildren(head);
  $('view-table').tBodies[0].replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      tr.replaceChildren(...columns.map((column) => Object.assign(document.createElement('td'), { textContent: cellText(row[column]) })));
      return tr;
    }),
  );
  $('view-empty').hidden = rows.length > 0;
  show('view');
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const result = await api('/api/v1/auth/login', { method: 'POST', body: { email: form.get('email'), password: form.get('password'), client: 'web' } });
    if (result.status === 'mfa_required') {
      state.mfaToken = result.mfaToken;
      show('mfa-form');
      say('');
      return;
    }
    await afterSignIn(result);
  } catch (error) {
    say(error.message);
  }
});

$('mfa-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const recoveryCode = String(form.get('recoveryCode') ?? '').trim();
  const proof = recoveryCode ? { recoveryCode } : { code: String(form.get('code') ?? '').trim() };
  try {
    await afterSignIn(await api('/api/v1/auth/login/mfa', { method: 'POST', body: { mfaToken: state.mfaToken, ...proof } }));
  } catch (error) {
    say(error.message);
  }
});

$('enrol-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await afterSignIn(await api('/api/v1/auth/mfa/totp/verify', { method: 'POST', body: { code: String(form.get('code') ?? '').trim() } }));
  } catch (error) {
    say(error.message);
  }
});

$('recovery-done').addEventListener('click', () => enterPortal().catch((error) => say(error.message)));

$('logout').addEventListener('click', async () => {
  try {
    await api('/api/v1/auth/logout', { method: 'POST', body: {} });
  } finally {
    window.location.reload();
  }
});

enterPortal().catch(() => show('login-form'));
