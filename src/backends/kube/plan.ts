import { stringify } from 'yaml';
import { redactArg } from '../../errors.js';

/** One thing a Kubernetes backend would do, as shown by `--dry-run`. */
export type PlanStep =
  | {
      readonly kind: 'command';
      readonly title: string;
      readonly file: string;
      readonly args: readonly string[];
      /** Working directory, when not the current one. */
      readonly cwd?: string;
    }
  | {
      readonly kind: 'manifest';
      readonly title: string;
      /** `apply` = create-or-replace, `patch` = JSON Patch, `file` = written for a command. */
      readonly action: 'apply' | 'patch' | 'file';
      readonly yaml: string;
    }
  | { readonly kind: 'action'; readonly title: string };

/** Serialises a manifest or patch for a plan step. */
export function toPlanYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

const SAFE_ARG = /^[A-Za-z0-9_\-.,/:=@+%]+$/;

/** Quotes an argument for display the way a POSIX shell would need it (display only; nothing runs a shell). */
export function quoteShellArg(arg: string): string {
  const shown = redactArg(arg);
  return SAFE_ARG.test(shown) ? shown : `'${shown.replaceAll("'", `'\\''`)}'`;
}

function indent(text: string, prefix: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? '' : prefix + line))
    .join('\n');
}

function formatStep(step: PlanStep, index: number): string {
  const head = `${index + 1}. ${step.title}`;
  switch (step.kind) {
    case 'command': {
      const line = [step.file, ...step.args].map(quoteShellArg).join(' ');
      return `${head}\n   $ ${step.cwd === undefined ? '' : `(cd ${quoteShellArg(step.cwd)} && `}${line}${step.cwd === undefined ? '' : ')'}`;
    }
    case 'manifest':
      return `${head}\n${indent(`--- # ${step.action}\n${step.yaml}`, '   ')}`;
    case 'action':
      return head;
  }
}

/** Renders plan steps as numbered text: commands as shell lines, manifests as indented YAML. */
export function formatPlan(steps: readonly PlanStep[]): string {
  return `${steps.map(formatStep).join('\n')}\n`;
}
