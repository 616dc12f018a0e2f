import { byId, clear, el, setText, utc } from './dom.js';

/** The endpoints table; `actions` gives the buttons of one row. */
export function renderEndpoints(endpoints, actions) {
  const body = byId('endpoints-body');
  clear(body);
  byId('endpoints-empty').hidden = endpoints.length > 0;
  for (const endpoint of endpoints) {
    body.append(
      el('tr', { attrs: { 'data-endpoint-id': endpoint.id } }, [
        el('td', { className: 'url', text: endpoint.url }),
        el('td', { className: 'description', text: endpoint.description ?? '' }),
        el('td', { className: 'events', text: endpoint.events.join(', ') }),
        el('td', { className: 'state', text: endpoint.enabled ? 'enabled' : 'disabled' }),
        el('td', {}, [el('div', { className: 'actions' }, actions(endpoint))]),
      ]),
    );
  }
}

/** The chart (Chart.js, vendored) and the same figures as a table for screen readers. */
let chart = null;
export function renderStats(stats) {
  const body = byId('stats-body');
  clear(body);
  let succeeded = 0;
  let failed = 0;
  for (const hour of stats.hours) {
    succeeded += hour.succeeded;
    failed += hour.failed;
    if (hour.succeeded + hour.failed === 0) continue;
    body.append(
      el('tr', { attrs: { 'data-hour': hour.hour } }, [
        el('th', { attrs: { scope: 'row' }, text: utc(hour.hour).slice(0, 16) }),
        el('td', { className: 'succeeded', text: hour.succeeded }),
        el('td', { className: 'failed', text: hour.failed }),
        el('td', { className: 'p50', text: hour.p50Ms ?? '' }),
        el('td', { className: 'p99', text: hour.p99Ms ?? '' }),
      ]),
    );
  }
  setText('stats-total-succeeded', succeeded);
  setText('stats-total-failed', failed);
  byId('chart').setAttribute('aria-label', `Chart of the last 24 hours: ${succeeded} succeeded and ${failed} failed attempts; the table below has every figure.`);
  const labels = stats.hours.map((hour) => hour.hour.slice(11, 16));
  const datasets = [
    { type: 'bar', label: 'Succeeded', data: stats.hours.map((hour) => hour.succeeded), backgroundColor: '#2e8540', stack: 'outcome', yAxisID: 'y', order: 2 },
    { type: 'bar', label: 'Failed', data: stats.hours.map((hour) => hour.failed), backgroundColor: '#cd2026', stack: 'outcome', yAxisID: 'y', order: 2 },
    { type: 'line', label: 'p50 latency (ms)', data: stats.hours.map((hour) => hour.p50Ms), borderColor: '#0b3d63', backgroundColor: '#0b3d63', spanGaps: true, pointRadius: 4, yAxisID: 'latency', order: 1 },
    { type: 'line', label: 'p99 latency (ms)', data: stats.hours.map((hour) => hour.p99Ms), borderColor: '#f5a623', backgroundColor: '#f5a623', spanGaps: true, pointRadius: 4, yAxisID: 'latency', order: 1 },
  ];
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets = datasets;
    chart.update();
    return;
  }
  chart = new window.Chart(byId('chart'), {
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, title: { display: true, text: 'Hour (UTC)' } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Attempts' } },
        latency: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'Latency (ms)' } },
      },
    },
  });
}

/** The delivery log; `actions` gives the buttons of one row. */
export function renderDeliveries(deliveries, actions, append = false) {
  const body = byId('deliveries-body');
  if (!append) clear(body);
  byId('deliveries-empty').hidden = body.childElementCount + deliveries.length > 0;
  for (const delivery of deliveries) {
    const last = delivery.attemptLog[delivery.attemptLog.length - 1];
    const status = last && (last.statusCode === null ? 'no answer' : `HTTP ${last.statusCode}`);
    const answer = last ? [status, last.error && !last.error.startsWith(status) ? last.error : null, last.responseBody].filter(Boolean).join(' — ') : 'not sent yet';
    body.append(
      el('tr', { attrs: { 'data-delivery-id': delivery.id, 'data-event-type': delivery.eventType, 'data-status': delivery.status } }, [
        el('td', { text: utc(delivery.createdAt) }),
        el('td', { className: 'event', text: delivery.eventType }),
        el('td', { className: `status status-${delivery.status}`, text: delivery.status }),
        // Every attempt ever made, resends included, as the detail lists them.
        el('td', { className: 'attempts', text: delivery.attemptLog.length }),
        el('td', { className: 'answer', text: answer.length > 300 ? `${answer.slice(0, 300)}…` : answer }),
        el('td', {}, [el('div', { className: 'actions' }, actions(delivery))]),
      ]),
    );
  }
}

export function renderDelivery(delivery) {
  setText('delivery-id', `${delivery.eventType} ${delivery.id}`);
  let payload = delivery.body;
  try {
    payload = JSON.stringify(JSON.parse(delivery.body), null, 2);
  } catch {
    // shown as stored
  }
  setText('delivery-payload', payload);
  const list = byId('delivery-attempts');
  clear(list);
  for (const attempt of delivery.attemptLog) {
    const headers = el('dl', { className: 'headers' });
    for (const [name, value] of Object.entries(attempt.requestHeaders ?? {})) headers.append(el('dt', { text: name }), el('dd', { text: value }));
    list.append(
      el('li', { className: 'attempt', attrs: { 'data-attempt': attempt.attempt } }, [
        el('p', {
          className: 'attempt-summary',
          text: [
            // Numbered by the list: a resend starts the delivery's own attempt count again.
            `${utc(attempt.at)} UTC`,
            attempt.statusCode === null ? 'no HTTP answer' : `HTTP ${attempt.statusCode}`,
            `${attempt.durationMs} ms`,
            attempt.error ? `error: ${attempt.error}` : null,
            attempt.nextRetryAt ? `next retry ${utc(attempt.nextRetryAt)} UTC` : null,
          ]
            .filter(Boolean)
            .join(' · '),
        }),
        el('h5', { text: 'Request headers as sent' }),
        attempt.requestHeaders ? headers : el('p', { text: 'Nothing was sent.' }),
        el('h5', { text: 'Answer (first 2 KB)' }),
        el('pre', { className: 'attempt-answer', text: attempt.responseBody ?? '(none)' }),
      ]),
    );
  }
}

export function renderCatalogue(items) {
  const box = byId('catalogue');
  clear(box);
  for (const item of items) {
    box.append(
      el('article', { attrs: { 'data-event-type': item.type } }, [
        el('h3', { text: item.type }),
        el('p', { text: item.description }),
        el('h4', { text: 'Example payload' }),
        el('pre', { text: JSON.stringify(item.example, null, 2) }),
      ]),
    );
  }
}

export function verificationSnippet(endpoint) {
  const which = endpoint ? `the signing secret of ${endpoint.url}` : 'your endpoint signing secret';
  return `import { Webhook } from 'standardwebhooks';

// ${which} (whsec_…), kept out of your source code
const webhook = new Webhook(process.env.WEBHOOK_SECRET ?? 'whsec_<${endpoint ? endpoint.id : 'endpoint id'}>');

// In your handler: the raw body exactly as received, and the three webhook-* headers.
export function verify(rawBody, headers) {
  // Throws if the signature does not match or the timestamp is older than 5 minutes.
  return webhook.verify(rawBody, {
    'webhook-id': headers['webhook-id'],
    'webhook-timestamp': headers['webhook-timestamp'],
    'webhook-signature': headers['webhook-signature'],
  });
}
`;
}
