// Webhook figures: a local receiver on 127.0.0.1, and refreshes at a steady rate whose
// events are matched to the receiver's arrivals by the access token's `jti`
// (`accessTokenJti` in the event), all timed on this process's clock.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

/** Receives webhook deliveries; remembers when each access token's event arrived. */
export async function startReceiver() {
  const arrivals = new Map();
  let received = 0;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      received += 1;
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const jti = event?.data?.accessTokenJti;
        if (typeof jti === 'string' && !arrivals.has(jti)) arrivals.set(jti, at);
      } catch {
        // counted, not matched
      }
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/webhook`,
    arrivals,
    get received() {
      return received;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function jtiOf(accessToken) {
  try {
    return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')).jti;
  } catch {
    return undefined;
  }
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Number(sorted[index].toFixed(3));
}

/**
 * Refreshes at `rate` per second for `seconds` over the given chains (form mode), then
 * waits up to `settleMs` for the remaining events. Returns the refresh latencies and the
 * delay from each 200 to its event's arrival.
 */
export async function steadyRateProbe({ baseUrl, client, tokens, rate, seconds, receiver, settleMs = 5000 }) {
  const pool = new Pool(baseUrl, { connections: tokens.length, pipelining: 1, keepAliveTimeout: 30_000 });
  const idle = tokens.map((token) => ({ token }));
  const answeredAt = new Map();
  const latencies = [];
  let errors = 0;
  let skipped = 0;
  const errorSamples = [];
  const interval = 1000 / rate;
  const start = performance.now();
  const total = Math.round(rate * seconds);
  const inFlight = new Set();

  const send = async (chain) => {
    const started = performance.now();
    try {
      const response = await pool.request({
        method: 'POST',
        path: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: chain.token,
          client_id: client.clientId,
          client_secret: client.clientSecret,
        }).toString(),
      });
      const text = await response.body.text();
      const done = performance.now();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
      const body = JSON.parse(text);
      latencies.push(done - started);
      const jti = jtiOf(body.access_token);
      if (jti) answeredAt.set(jti, done);
      chain.token = body.refresh_token;
      idle.push(chain);
    } catch (error) {
      errors += 1;
      if (errorSamples.length < 3) errorSamples.push(String(error.message ?? error).slice(0, 300));
    }
  };

  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const chain = idle.shift();
    if (!chain) {
      skipped += 1; // every chain busy: the server is not keeping up with this rate
      continue;
    }
    const request = send(chain);
    inFlight.add(request);
    request.finally(() => inFlight.delete(request));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  const settleUntil = performance.now() + settleMs;
  while (performance.now() < settleUntil && [...answeredAt.keys()].some((jti) => !receiver.arrivals.has(jti))) await sleep(50);
  await pool.close();

  const delays = [];
  let missing = 0;
  for (const [jti, at] of answeredAt) {
    const arrived = receiver.arrivals.get(jti);
    if (arrived === undefined) missing += 1;
    else delays.push(arrived - at);
  }
  const sortedLatency = Float64Array.from(latencies).sort();
  const sortedDelay = Float64Array.from(delays).sort();
  return {
    target_rps: rate,
    achieved_rps: Number((latencies.length / elapsed).toFixed(1)),
    refreshes: latencies.length,
    errors,
    skipped_no_idle_chain: skipped,
    errorSamples,
    refresh_p50_ms: percentile(sortedLatency, 50),
    refresh_p99_ms: percentile(sortedLatency, 99),
    events_matched: delays.length,
    events_missing_after_settle: missing,
    // Negative values mean the event arrived before the client had read the 200.
    event_latency_p50_ms: percentile(sortedDelay, 50),
    event_latency_p99_ms: percentile(sortedDelay, 99),
    event_latency_max_ms: sortedDelay.length ? Number(sortedDelay[sortedDelay.length - 1].toFixed(3)) : null,
  };
}
