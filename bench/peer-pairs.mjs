// The peer and our server in alternating runs (peer, RS256, ES256, EdDSA; then EdDSA, ES256,
// RS256, peer; and so on, RS256 always beside the peer), each at the configured concurrency on a process started for it.
// A single run of each, minutes apart, compares two moments of the machine as much as two
// servers: on a machine whose speed drifts by 10-20 % from one minute to the next, each
// pair's ratios are taken against the peer run beside it, and the targets judged on their
// medians, as the growth step judges stored data.
import { freshServerRun, summarize } from './fresh-run.mjs';
import { median, round } from './load-run.mjs';

const OURS = ['RS256', 'ES256', 'EdDSA'];

/** `peerRun(concurrency, seconds)` runs the peer once and returns its figures (or `{ error }`). */
export async function peerPairs(config, { log, peerRun }) {
  const algs = OURS.filter((alg) => config.algs.includes(alg));
  const seconds = config.peer_pair_seconds;
  const result = { pairs: [], algs, concurrency: config.concurrency, seconds };
  for (let index = 0; index < config.peer_pairs; index++) {
    const order = index % 2 === 0 ? ['peer', ...algs] : [...algs].reverse().concat('peer');
    const pair = {};
    try {
      for (const side of order) {
        log(`peer pair ${index + 1}: ${side} C=${config.concurrency} for ${seconds} s`);
        if (side === 'peer') {
          const peer = await peerRun(config.concurrency, seconds);
          if (peer.error) throw new Error(`peer: ${peer.error}`);
          pair.peer = { rps: peer.rps, p50_ms: peer.p50_ms, p99_ms: peer.p99_ms, errors: peer.errors, server_cpu_ms_per_refresh: peer.server_cpu_ms_per_refresh };
        } else {
          pair[side] = summarize(await freshServerRun(config, { alg: side, seconds }));
        }
      }
    } catch (error) {
      result.error = error.message;
      log(`peer pair ${index + 1} failed: ${error.message.split('\n')[0]}`);
      break;
    }
    pair.ratios = Object.fromEntries(algs.map((alg) => [alg, ratiosAgainstPeer(pair[alg], pair.peer)]));
    log(`peer pair ${index + 1}: ${algs.map((alg) => `${alg} ${pair[alg].rps} rps (${pair.ratios[alg].rps}×)`).join(', ')}; peer ${pair.peer.rps} rps`);
    result.pairs.push(pair);
  }
  if (result.pairs.length === 0) return result;
  result.medians = Object.fromEntries(
    algs.map((alg) => [
      alg,
      {
        rps: round(median(result.pairs.map((pair) => pair.ratios[alg].rps)), 3),
        p99: round(median(result.pairs.map((pair) => pair.ratios[alg].p99)), 3),
        cpu: round(median(result.pairs.map((pair) => pair.ratios[alg].cpu)), 3),
      },
    ]),
  );
  return result;
}

function ratiosAgainstPeer(ours, peer) {
  return {
    rps: round(ours.rps / peer.rps, 3),
    p99: round(ours.p99_ms / peer.p99_ms, 3),
    cpu: round(ours.server_cpu_ms_per_refresh / peer.server_cpu_ms_per_refresh, 3),
  };
}
