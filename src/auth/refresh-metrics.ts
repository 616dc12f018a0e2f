/** What became of one refresh attempt, as the metrics count it. */
export type RefreshOutcome = 'success' | 'replay' | 'reuse' | 'invalid' | 'invalid_scope' | 'error';

/**
 * Where TokenService reports refresh outcomes. The token core knows only this port; the
 * metrics module (or a host application) provides it under REFRESH_METRICS.
 */
export interface RefreshMetrics {
  refreshOutcome(outcome: RefreshOutcome): void;
  /** A reuse that revoked a family (counted once per family, not per losing request). */
  reuseDetected(): void;
}

export const REFRESH_METRICS = Symbol('REFRESH_METRICS');
