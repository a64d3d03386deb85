import { runCli } from '../../../src/cli/run-cli.js';

/** What one in-process `lbbench` invocation printed on each stream, and its exit code. */
export interface CliCapture {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `lbbench ...argv` in-process in `cwd`, capturing stdout and stderr separately (stderr is not a TTY). */
export async function captureCli(argv: readonly string[], cwd: string): Promise<CliCapture> {
  let stdout = '';
  let stderr = '';
  const code = await runCli({
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: {},
    cwd,
    argv,
  });
  return { code, stdout, stderr };
}
