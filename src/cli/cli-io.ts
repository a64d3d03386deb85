/** What a CLI command may touch: its output streams, environment, working directory and its own argv. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean | undefined };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The arguments after `lbbench`, to record how to reproduce a run. */
  readonly argv: readonly string[];
}
