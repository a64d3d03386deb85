import { OUTLIER_DETECTION_DEFAULTS } from 'lbbench-proxy';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import {
  setHealthSettings,
  toEnvoyOutlierDetection,
  toOutlierDetectionConfig,
} from '../../../src/envoy-config/outlier-detection.js';
import { readHealthCheck, readOutlierDetection } from '../../../src/scenario/read-resilience.js';
import type { InputIssue } from '../../../src/errors.js';

describe('proxy.outlierDetection', () => {
  it('maps the scenario fields to Envoy fields and keeps the rest at Envoy defaults', () => {
    const issues: InputIssue[] = [];
    const spec = readOutlierDetection(
      {
        consecutive5xx: 3,
        consecutiveGatewayFailure: 2,
        interval: '1s',
        baseEjectionTime: '500ms',
        maxEjectionPercent: 50,
        successRate: { minimumHosts: 3, requestVolume: 20, stdevFactor: 1.5 },
      },
      'proxy.outlierDetection',
      issues,
    );
    expect(issues).toEqual([]);
    expect(spec && toEnvoyOutlierDetection(spec)).toEqual({
      consecutive_5xx: 3,
      consecutive_gateway_failure: 2,
      enforcing_consecutive_gateway_failure: 100,
      interval: '1s',
      base_ejection_time: '0.5s',
      max_ejection_percent: 50,
      success_rate_minimum_hosts: 3,
      success_rate_request_volume: 20,
      success_rate_stdev_factor: 1500,
    });
    expect(spec && toOutlierDetectionConfig(spec)).toMatchObject({
      ...OUTLIER_DETECTION_DEFAULTS,
      consecutive5xx: 3,
      consecutiveGatewayFailure: 2,
      enforcingConsecutiveGatewayFailure: 100,
      intervalMs: 1000,
      baseEjectionTimeMs: 500,
      maxEjectionTimeMs: 300_000,
      maxEjectionPercent: 50,
      successRateMinimumHosts: 3,
      successRateRequestVolume: 20,
      successRateStdevFactor: 1500,
    });
  });

  it('reports bad values with their path, and false turns it off', () => {
    const issues: InputIssue[] = [];
    readOutlierDetection(
      { maxEjectionPercent: 120, consecutive5xx: 0, bogus: 1 },
      'proxy.outlierDetection',
      issues,
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'proxy.outlierDetection.bogus',
      'proxy.outlierDetection.consecutive5xx',
      'proxy.outlierDetection.maxEjectionPercent',
    ]);
    expect(readOutlierDetection(false, 'proxy.outlierDetection', issues)).toBeUndefined();
  });

  it('is written on the given cluster of a rendered config, with the health check', () => {
    const doc = parseDocument('static_resources:\n  clusters:\n    - name: a\n    - name: b\n');
    const issues: InputIssue[] = [];
    setHealthSettings(doc, ['static_resources', 'clusters', 1], {
      outlierDetection: readOutlierDetection({ consecutive5xx: 7 }, 'o', issues),
      healthCheck: readHealthCheck({ path: '/healthz', interval: '2s' }, 'h', issues),
    });
    expect(issues).toEqual([]);
    expect(doc.getIn(['static_resources', 'clusters', 1, 'outlier_detection', 'consecutive_5xx'])).toBe(7);
    expect(doc.getIn(['static_resources', 'clusters', 0, 'outlier_detection'])).toBeUndefined();
    expect(doc.toJS()).toMatchObject({
      static_resources: {
        clusters: [
          {},
          {
            health_checks: [
              {
                interval: '2s',
                timeout: '1s',
                unhealthy_threshold: 2,
                healthy_threshold: 1,
                http_health_check: { path: '/healthz' },
              },
            ],
          },
        ],
      },
    });
  });
});
