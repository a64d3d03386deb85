#!/usr/bin/env node
import { runCli } from './run-cli.js';

process.exitCode = await runCli({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  argv: process.argv.slice(2),
});
