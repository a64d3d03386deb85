/**
 * The lbbench image: the harness's own compiled code, run inside the cluster as the myapp pod server (when the
 * scenario delays pods) and as the load generators of the Job. Its Dockerfile lives in `cluster/`, its build
 * context is the lbbench package root, and this file is the one place that knows the paths inside it.
 */

/** The tag kind builds and loads; on kube, `kube.image` names a pushed one. */
export const LBBENCH_DEV_IMAGE = 'lbbench:dev';

/** The build of the lbbench image, relative to the package root. */
export const LBBENCH_IMAGE_BUILD = {
  dockerfile: 'cluster/lbbench-image/Dockerfile',
  /** The build context: the package root, which holds `dist/` and package.json in a checkout and when installed. */
  context: '.',
  /** What the Dockerfile copies; preflight checks each exists before any cluster is created. */
  inputs: ['package.json', 'dist/src/backends/kube/pod-server-main.js', 'dist/src/load/generator-main.js'],
} as const;

/** Where the image keeps the compiled harness. */
const APP_DIR = '/app/dist/src';

/** The load generator's entry in the image (src/load/generator-main.ts). */
export const GENERATOR_ENTRY = `${APP_DIR}/load/generator-main.js`;

/** The pod server's control port: `PUT /delay` and `GET /ready`. */
export const POD_CONTROL_PORT = 8081;

/** The myapp container's command line when it runs the pod server with `delayMs`. */
export function podServerCommand(delayMs: number): readonly string[] {
  return [
    'node',
    `${APP_DIR}/backends/kube/pod-server-main.js`,
    '--port',
    '80',
    '--control-port',
    String(POD_CONTROL_PORT),
    '--delay-ms',
    String(delayMs),
  ];
}
