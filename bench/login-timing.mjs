// node bench/login-timing.mjs [samples]: does an unknown loginId cost the same as a known one
// with a wrong password? (Without the dummy password check an unknown id answers ~100× faster,
// which tells an attacker which ids exist.) Starts the built server, then sends `samples`
// (default 200) failed logins of each kind, interleaved, one at a time, and prints the median,
// p10 and p90 of each and the ratio of the medians. A timing claim needs many samples on a quiet
// machine, which is why it lives here and not in the e2e suite (which checks the answers match).
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { http } from './provision.mjs';
import { startServer } from './server-process.mjs';

const samples = Number(process.argv[2] ?? process.env.BENCH_LOGIN_SAMPLES ?? 200);
const appDir = fileURLToPath(new URL('..', import.meta.url));
const server = await startServer({ appDir, alg: 'RS256', workers: 1 });
try {
  const { baseUrl, adminKey } = server;
  const client = (await http(baseUrl, '/api/admin/clients', { adminKey, json: { name: 'timing', audience: 'lemonApp', public: true } })).body;
  const loginId = `timing-${randomUUID()}@example.com`;
  const created = await http(baseUrl, '/api/admin/users', { adminKey, json: { loginId, password: 'correct horse battery staple' } });
  if (created.status !== 201) throw new Error(`create user: ${created.status} ${created.text}`);
  const time = async (id) => {
    const started = process.hrtime.bigint();
    const answer = await http(baseUrl, '/api/auth/login', { json: { loginId: id, password: 'wrong password', clientId: client.clientId } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (answer.status !== 401) throw new Error(`expected 401, got ${answer.status}`);
    return ms;
  };
  for (let i = 0; i < 5; i++) await time(loginId); // warm-up
  const unknown = [];
  const wrong = [];
  for (let i = 0; i < samples; i++) {
    unknown.push(await time(`nobody-${randomUUID()}@example.com`));
    wrong.push(await time(loginId));
  }
  const stats = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { p10: +at(0.1).toFixed(2), median: +at(0.5).toFixed(2), p90: +at(0.9).toFixed(2) };
  };
  const result = { samples, unknownLoginId: stats(unknown), wrongPassword: stats(wrong) };
  result.medianRatio = +(result.unknownLoginId.median / result.wrongPassword.median).toFixed(3);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await server.stop();
}
