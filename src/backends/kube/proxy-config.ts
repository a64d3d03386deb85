import { isMap, isSeq, parseDocument } from 'yaml';
import { applyRowConfig } from '../../envoy-config/apply-row-config.js';
import type { EnvoyPolicyEntry, Scenario } from '../../scenario/types.js';
import { ProxyError } from '../../errors.js';
import { renderEnvoyConfig } from './envoy-config.js';

/** The template the bundled proxy's image renders by default (v2 shape of the write-up), relative to the root. */
export const PROXY_TEMPLATE_PATH = 'proxy/envoy.yaml.tmpl';

/** The scenario's DNS settings of the proxy's STRICT_DNS cluster. */
export interface DnsSettings {
  readonly dnsRefreshRateMs: number;
  readonly respectDnsTtl: boolean;
}

const DNS_CLUSTER_TYPES = new Set(['STRICT_DNS', 'LOGICAL_DNS']);

/**
 * Sets `dns_refresh_rate` and `respect_dns_ttl` on every STRICT_DNS/LOGICAL_DNS cluster of a config or template
 * (fields of envoy.config.cluster.v3.Cluster, the same in v2). `${VAR}` placeholders and comments are kept.
 * @throws ProxyError naming `file` when it is not YAML or has no DNS cluster to set them on.
 */
export function setDnsSettings(yamlText: string, settings: DnsSettings, file: string): string {
  const doc = parseDocument(yamlText);
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    throw new ProxyError(`${file}: not valid YAML (${firstError.message})`, { cause: firstError });
  }
  const clusters = doc.getIn(['static_resources', 'clusters']);
  let patched = 0;
  for (const [index, cluster] of (isSeq(clusters) ? clusters.items : []).entries()) {
    if (isMap(cluster) && DNS_CLUSTER_TYPES.has(String(cluster.get('type')))) {
      // Envoy's Duration JSON form: seconds with up to 9 fractional digits, e.g. "5s" or "0.5s".
      doc.setIn(
        ['static_resources', 'clusters', index, 'dns_refresh_rate'],
        `${settings.dnsRefreshRateMs / 1000}s`,
      );
      doc.setIn(['static_resources', 'clusters', index, 'respect_dns_ttl'], settings.respectDnsTtl);
      patched += 1;
    }
  }
  if (patched === 0) {
    throw new ProxyError(
      `${file}: static_resources.clusters has no STRICT_DNS or LOGICAL_DNS cluster to set dns_refresh_rate and respect_dns_ttl on`,
    );
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * The content of the proxy's ConfigMap for one run: the template rendered for the row's policy (as the image's
 * envsubst would), the row's settings set by {@link applyRowConfig}, and the scenario's DNS settings. The bundled
 * proxy's entrypoint finds nothing left to substitute.
 */
export function renderProxyConfig(
  template: { readonly text: string; readonly file: string },
  values: DnsSettings & {
    readonly row: EnvoyPolicyEntry;
    readonly scenario: Scenario;
    readonly serviceName: string;
  },
): string {
  const rendered = renderEnvoyConfig(
    template.text,
    { policy: values.row.policy, serviceName: values.serviceName },
    template.file,
  );
  const doc = parseDocument(rendered);
  applyRowConfig(doc, values.row, values.scenario, {
    serviceName: values.serviceName,
    sourceName: template.file,
  });
  return setDnsSettings(doc.toString({ lineWidth: 0 }), values, template.file);
}
