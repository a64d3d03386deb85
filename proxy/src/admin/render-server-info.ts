import type { AdminSnapshot } from './snapshot.js';

/**
 * Renders `GET /server_info` as `envoy.admin.v3.ServerInfo`. Envoy prints this message with
 * `always_print_primitive_fields`, so defaults are present; durations are proto `Duration` strings (`"12s"`).
 * `command_line_options` holds the options this proxy has plus Envoy's defaults for the rest that matter
 * to a reader; the DNS server (not an Envoy option) is shown in `node.metadata.lbbench_dns_server`.
 */
export function renderServerInfo(snapshot: AdminSnapshot): string {
  const uptime = `${Math.max(0, Math.floor(snapshot.uptimeSeconds))}s`;
  const { commandLine } = snapshot;
  const info = {
    version: snapshot.version,
    state: snapshot.state,
    uptime_current_epoch: uptime,
    uptime_all_epochs: uptime,
    hot_restart_version: 'disabled',
    command_line_options: {
      base_id: '0',
      concurrency: commandLine.concurrency,
      config_path: commandLine.configPath,
      config_yaml: '',
      allow_unknown_static_fields: false,
      reject_unknown_dynamic_fields: false,
      admin_address_path: '',
      local_address_ip_version: 'v4',
      log_level: commandLine.logLevel,
      component_log_level: '',
      log_format: '[%Y-%m-%d %T.%e][%t][%l][%n] [%g:%#] %v',
      log_path: '',
      service_cluster: '',
      service_node: '',
      service_zone: '',
      mode: 'Serve',
      disable_hot_restart: true,
      enable_mutex_tracing: false,
      restart_epoch: 0,
      cpuset_threads: false,
      disabled_extensions: [],
      file_flush_interval: '10s',
      drain_time: '600s',
      parent_shutdown_time: '900s',
      drain_strategy: 'Gradual',
    },
    node: {
      id: '',
      cluster: '',
      ...(commandLine.dnsServer === undefined
        ? {}
        : { metadata: { lbbench_dns_server: commandLine.dnsServer } }),
      user_agent_name: 'envoy',
    },
  };
  return `${JSON.stringify(info, null, 1)}\n`;
}
