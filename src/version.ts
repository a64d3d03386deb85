/** lbbench's release, kept equal to package.json's version (a unit test checks it). */
export const LBBENCH_VERSION = '0.1.0';
