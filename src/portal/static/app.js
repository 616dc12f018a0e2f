import { api, ApiError } from './api.js';
import { byId, el, setText, show } from './dom.js';
import { renderCatalogue, renderDeliveries, renderDelivery, renderEndpoints, renderStats, verificationSnippet } from './views.js';

const state = { endpoints: [], catalogue: [], current: null, editing: null, pollTimer: null, deliveryShown: null, nextCursor: null };

function announce(text) {
  setText('status', text);
}

function failure(error) {
  announce(error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`);
  if (error instanceof ApiError && error.status === 401) signedOut(error.message);
}

function signedOut(message) {
  show('app-view', false);
  show('logout', false);
  show('signin-view', true);
  setText('who', '');
  setText('signin-error', message ?? '');
}

async function signedIn(identity) {
  setText('who', `Client ${identity.clientName} (${identity.clientId}), session until ${identity.expiresAt.slice(11, 16)} UTC`);
  show('signin-view', false);
  show('logout', true);
  show('app-view', true);
  const catalogue = await api('GET', '/events');
  state.catalogue = catalogue.items;
  renderCatalogue(state.catalogue);
  renderEventChoices();
  await loadEndpoints();
  showEndpoints();
}

async function start() {
  const match = /^#token=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (match) {
    // Out of the address bar and history first: the link works once.
    history.replaceState(null, '', location.pathname);
    try {
      await signedIn(await api('POST', '/session', { token: match[1] }));
    } catch (error) {
      signedOut(error instanceof ApiError ? error.message : String(error));
    }
    return;
  }
  try {
    await signedIn(await api('GET', '/session'));
  } catch (error) {
    signedOut(error instanceof ApiError && error.status === 401 ? '' : String(error.message));
  }
}

byId('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  setText('signin-error', '');
  try {
    await signedIn(await api('POST', '/session', { clientId: byId('signin-client').value.trim(), clientSecret: byId('signin-secret').value }));
    byId('signin-secret').value = '';
  } catch (error) {
    setText('signin-error', error instanceof ApiError ? error.message : String(error));
  }
});

byId('logout').addEventListener('click', async () => {
  await api('POST', '/logout').catch(() => undefined);
  stopPolling();
  signedOut('You are signed out.');
});

// Sections
function select(view) {
  for (const id of ['endpoints-view', 'detail-view', 'catalogue-view']) show(id, id === view);
  byId('nav-endpoints').setAttribute('aria-current', view === 'catalogue-view' ? 'false' : 'page');
  byId('nav-catalogue').setAttribute('aria-current', view === 'catalogue-view' ? 'page' : 'false');
  if (view !== 'detail-view') stopPolling();
}

function showEndpoints() {
  select('endpoints-view');
  state.current = null;
}

byId('nav-endpoints').addEventListener('click', () => {
  showEndpoints();
  byId('endpoints-title').focus();
});
byId('nav-catalogue').addEventListener('click', () => {
  select('catalogue-view');
  renderSnippetChoices();
  byId('catalogue-title').focus();
});
byId('detail-back').addEventListener('click', () => {
  showEndpoints();
  byId('endpoints-title').focus();
});

// Endpoints
function renderEventChoices() {
  const box = byId('endpoint-events');
  box.replaceChildren();
  for (const item of state.catalogue.filter((entry) => entry.subscribable)) {
    const id = `event-${item.type.replace(/[^a-z]/g, '-')}`;
    box.append(el('label', { attrs: { for: id } }, [el('input', { attrs: { type: 'checkbox', id, value: item.type, name: 'events' } }), ` ${item.type}`]));
  }
  const filter = byId('filter-event');
  filter.replaceChildren(el('option', { attrs: { value: '' }, text: 'Any event' }));
  for (const item of state.catalogue) filter.append(el('option', { attrs: { value: item.type }, text: item.type }));
}

async function loadEndpoints() {
  state.endpoints = (await api('GET', '/endpoints')).items;
  renderEndpoints(state.endpoints, endpointActions);
}

function endpointActions(endpoint) {
  const label = (verb) => `${verb} ${endpoint.url}`;
  const remove = el('button', { text: 'Delete', attrs: { type: 'button', 'aria-label': label('Delete'), 'data-action': 'delete' } });
  remove.addEventListener('click', async () => {
    if (remove.dataset.confirm !== 'yes') {
      remove.dataset.confirm = 'yes';
      remove.textContent = 'Confirm delete';
      remove.setAttribute('aria-label', label('Confirm deleting'));
      return;
    }
    await act(async () => {
      await api('DELETE', `/endpoints/${endpoint.id}`);
      await loadEndpoints();
      announce(`Deleted ${endpoint.url}.`);
    });
  });
  return [
    el('button', { text: 'Deliveries', attrs: { type: 'button', 'aria-label': label('Deliveries of'), 'data-action': 'open' }, onClick: () => act(() => openEndpoint(endpoint)) }),
    el('button', { text: 'Edit', attrs: { type: 'button', 'aria-label': label('Edit'), 'data-action': 'edit' }, onClick: () => editEndpoint(endpoint) }),
    el('button', {
      text: endpoint.enabled ? 'Disable' : 'Enable',
      attrs: { type: 'button', 'aria-label': label(endpoint.enabled ? 'Disable' : 'Enable'), 'data-action': 'toggle' },
      onClick: () =>
        act(async () => {
          await api('PATCH', `/endpoints/${endpoint.id}`, { enabled: !endpoint.enabled });
          await loadEndpoints();
          announce(`${endpoint.url} ${endpoint.enabled ? 'disabled' : 'enabled'}.`);
        }),
    }),
    el('button', {
      text: 'Rotate secret',
      attrs: { type: 'button', 'aria-label': label('Rotate the secret of'), 'data-action': 'rotate' },
      onClick: () =>
        act(async () => {
          const rotated = await api('POST', `/endpoints/${endpoint.id}/rotate-secret`);
          showSecret(rotated.url, rotated.secret, 'The previous secret keeps signing beside it for 24 hours.');
        }),
    }),
    remove,
  ];
}

async function act(work) {
  try {
    await work();
  } catch (error) {
    failure(error);
  }
}

function showSecret(url, secret, extra) {
  setText('secret-endpoint', url);
  byId('secret-value').value = secret;
  setText('secret-copied', extra ?? '');
  show('secret-box', true);
  byId('secret-value').focus();
  byId('secret-value').select();
}

byId('secret-copy').addEventListener('click', async () => {
  const input = byId('secret-value');
  try {
    await navigator.clipboard.writeText(input.value);
    setText('secret-copied', 'Copied to the clipboard.');
  } catch {
    input.select();
    setText('secret-copied', 'Select the secret and copy it (Ctrl+C).');
  }
});
byId('secret-dismiss').addEventListener('click', () => {
  byId('secret-value').value = '';
  show('secret-box', false);
  byId('endpoints-title').focus();
});

function editEndpoint(endpoint) {
  state.editing = endpoint;
  byId('endpoint-url').value = endpoint.url;
  byId('endpoint-description').value = endpoint.description ?? '';
  for (const box of byId('endpoint-events').querySelectorAll('input')) box.checked = endpoint.events.includes(box.value);
  setText('endpoint-form-title', `Edit ${endpoint.url}`);
  setText('endpoint-save', 'Save changes');
  show('endpoint-cancel', true);
  byId('endpoint-url').focus();
}

function resetForm() {
  state.editing = null;
  byId('endpoint-form').reset();
  setText('endpoint-form-title', 'Add an endpoint');
  setText('endpoint-save', 'Add endpoint');
  setText('endpoint-error', '');
  show('endpoint-cancel', false);
}
byId('endpoint-cancel').addEventListener('click', resetForm);

byId('endpoint-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  setText('endpoint-error', '');
  const events = [...byId('endpoint-events').querySelectorAll('input:checked')].map((box) => box.value);
  const description = byId('endpoint-description').value;
  const input = { url: byId('endpoint-url').value.trim(), ...(events.length > 0 ? { events } : {}) };
  try {
    if (state.editing) {
      const changed = await api('PATCH', `/endpoints/${state.editing.id}`, { ...input, description: description === '' ? null : description });
      announce(`Saved ${changed.url}.`);
    } else {
      const created = await api('POST', '/endpoints', { ...input, ...(description ? { description } : {}) });
      showSecret(created.url, created.secret);
      announce(`Added ${created.url}.`);
    }
    resetForm();
    await loadEndpoints();
  } catch (error) {
    // The SSRF refusal and every validation message are meant to be read here.
    if (error instanceof ApiError && error.status !== 401) setText('endpoint-error', error.message);
    else failure(error);
  }
});

// One endpoint: chart, deliveries, detail
async function openEndpoint(endpoint) {
  state.current = endpoint;
  state.deliveryShown = null;
  setText('detail-url', endpoint.url);
  setText('detail-description', endpoint.description ?? '');
  show('delivery-detail', false);
  byId('filter-status').value = '';
  byId('filter-event').value = '';
  select('detail-view');
  byId('detail-title').focus();
  await reloadDetail();
}

function deliveriesPath(endpoint, cursor) {
  const query = new URLSearchParams();
  if (byId('filter-status').value) query.set('status', byId('filter-status').value);
  if (byId('filter-event').value) query.set('eventType', byId('filter-event').value);
  if (cursor) query.set('cursor', cursor);
  return `/endpoints/${endpoint.id}/deliveries${query.size > 0 ? `?${query}` : ''}`;
}

function pageLoaded(page) {
  state.nextCursor = page.nextCursor ?? null;
  show('deliveries-more', state.nextCursor !== null);
}

async function reloadDetail() {
  const endpoint = state.current;
  if (!endpoint) return;
  const [deliveries, stats] = await Promise.all([api('GET', deliveriesPath(endpoint)), api('GET', `/endpoints/${endpoint.id}/stats`)]);
  if (state.current !== endpoint) return;
  renderDeliveries(deliveries.items, deliveryActions);
  pageLoaded(deliveries);
  renderStats(stats);
  if (state.deliveryShown) await showDelivery(state.deliveryShown, false);
  return deliveries.items;
}

function deliveryActions(delivery) {
  return [
    el('button', { text: 'Details', attrs: { type: 'button', 'aria-label': `Details of ${delivery.eventType} ${delivery.id}`, 'data-action': 'details' }, onClick: () => act(() => showDelivery(delivery.id, true)) }),
    el('button', { text: 'Resend', attrs: { type: 'button', 'aria-label': `Resend ${delivery.eventType} ${delivery.id}`, 'data-action': 'resend' }, onClick: () => act(() => resend(delivery.id)) }),
  ];
}

async function showDelivery(id, focus) {
  const delivery = await api('GET', `/endpoints/${state.current.id}/deliveries/${id}`);
  state.deliveryShown = id;
  renderDelivery(delivery);
  show('delivery-detail', true);
  if (focus) byId('delivery-title').focus();
}

async function resend(id) {
  await api('POST', `/endpoints/${state.current.id}/deliveries/${id}/resend`);
  announce('Resend queued.');
  await reloadDetail();
  pollWhilePending();
}

byId('delivery-resend').addEventListener('click', () => act(() => resend(state.deliveryShown)));
byId('send-test').addEventListener('click', () =>
  act(async () => {
    await api('POST', `/endpoints/${state.current.id}/test`);
    announce('Test event queued.');
    await reloadDetail();
    pollWhilePending();
  }),
);
byId('reload-log').addEventListener('click', () => act(reloadDetail));
byId('deliveries-more').addEventListener('click', () =>
  act(async () => {
    const endpoint = state.current;
    const older = await api('GET', deliveriesPath(endpoint, state.nextCursor));
    if (state.current !== endpoint) return;
    renderDeliveries(older.items, deliveryActions, true);
    pageLoaded(older);
  }),
);
byId('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  act(reloadDetail);
});

/** After a send, the log follows the delivery until nothing is pending (for a minute at most). */
function pollWhilePending() {
  stopPolling();
  const until = Date.now() + 60_000;
  const tick = async () => {
    try {
      const items = await reloadDetail();
      if (items && items.some((item) => item.status === 'pending') && Date.now() < until) state.pollTimer = setTimeout(tick, 1000);
      else announce('Deliveries up to date.');
    } catch (error) {
      failure(error);
    }
  };
  state.pollTimer = setTimeout(tick, 500);
}

function stopPolling() {
  clearTimeout(state.pollTimer);
  state.pollTimer = null;
}

// Catalogue
function renderSnippetChoices() {
  const choice = byId('snippet-endpoint');
  const previous = choice.value;
  choice.replaceChildren(el('option', { attrs: { value: '' }, text: 'Any endpoint' }));
  for (const endpoint of state.endpoints) choice.append(el('option', { attrs: { value: endpoint.id }, text: endpoint.url }));
  choice.value = state.endpoints.some((endpoint) => endpoint.id === previous) ? previous : (state.endpoints[0]?.id ?? '');
  setText('snippet', verificationSnippet(state.endpoints.find((endpoint) => endpoint.id === choice.value)));
}
byId('snippet-endpoint').addEventListener('change', () => {
  const choice = byId('snippet-endpoint');
  setText('snippet', verificationSnippet(state.endpoints.find((endpoint) => endpoint.id === choice.value)));
});

start();
