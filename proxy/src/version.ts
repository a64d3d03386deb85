/** The proxy's release, kept equal to the version in this package's package.json (a unit test checks it). */
export const PROXY_VERSION = '0.1.0';

/** The version in Envoy's `/server_info` shape: `<sha>/<semver>/<Clean|Modified>/<RELEASE|DEBUG>/<TLS lib>`. */
export const PROXY_VERSION_STRING = `lbbench-proxy/${PROXY_VERSION}/Clean/RELEASE/none`;
