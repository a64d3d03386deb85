import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterError } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import type { Scenario } from '../../scenario/types.js';
import type { CommandRunner } from '../exec.js';
import { ENVOY_IMAGE } from '../kube/envoy-config.js';
import { LBBENCH_DEV_IMAGE, LBBENCH_IMAGE_BUILD } from '../kube/lbbench-image.js';
import type { PlanStep } from '../kube/plan.js';
import { runSpec } from './kind-cluster.js';
import {
  buildImageCommand,
  inspectImageCommand,
  loadImageArchiveCommand,
  loadImageCommand,
  PROXY_DEV_IMAGE,
  PROXY_IMAGE_BUILD,
  saveImageCommand,
  toPlanStep,
  type CommandSpec,
  type ImageBuild,
} from './kind-commands.js';

/** An image a kind run deploys: built from the package, or named by the scenario (then maybe only pullable). */
export interface KindImage {
  readonly image: string;
  /** How lbbench builds it; undefined for an image the scenario names (loaded if local, else pulled). */
  readonly build: ImageBuild | undefined;
}

/** The proxy image (built lbbench-proxy:dev, `proxy.image`, or the pinned Envoy) and the lbbench image. */
export function resolveKindImages(scenario: Scenario): { proxy: KindImage; lbbench: KindImage } {
  const proxy: KindImage =
    scenario.proxy.image !== undefined
      ? { image: scenario.proxy.image, build: undefined }
      : scenario.proxy.kind === 'envoy'
        ? { image: ENVOY_IMAGE, build: undefined }
        : { image: PROXY_DEV_IMAGE, build: PROXY_IMAGE_BUILD };
  const lbbench: KindImage =
    scenario.kube.image !== undefined
      ? { image: scenario.kube.image, build: undefined }
      : { image: LBBENCH_DEV_IMAGE, build: LBBENCH_IMAGE_BUILD };
  return { proxy, lbbench };
}

/**
 * Checks that every input of every build exists, before anything runs or any cluster is created.
 * @throws ClusterError naming the missing file and what to do.
 */
export function checkBuildInputs(repoRoot: string, images: readonly KindImage[]): void {
  for (const { image, build } of images) {
    for (const input of build?.inputs ?? []) {
      const path = join(repoRoot, input);
      if (!existsSync(path)) {
        throw new ClusterError(
          `${path} not found: the kind backend builds ${image} from ${build?.dockerfile ?? ''} and needs it. In a checkout run \`npm run build\` first; an installed lbbench ships it, so reinstall it.`,
        );
      }
    }
  }
}

/** Builds the images lbbench builds itself (before the cluster is created: a failed build costs no cluster). */
export async function buildImages(
  images: readonly KindImage[],
  context: { runner: CommandRunner; repoRoot: string; progress: ProgressSink; signal: AbortSignal },
): Promise<void> {
  for (const { image, build } of images) {
    if (build === undefined) continue;
    context.progress.step(`Building ${image} from ${build.dockerfile}`);
    await runSpec(context.runner, buildImageCommand(context.repoRoot, build, image), context.signal);
  }
}

async function succeeds(runner: CommandRunner, spec: CommandSpec, signal: AbortSignal): Promise<boolean> {
  const result = await runner(spec.file, spec.args, { signal });
  return result.exitCode === 0;
}

/**
 * Puts an image into the nodes: `kind load docker-image`; when that fails (it does for a pulled image on Docker's
 * containerd image store, kind #3795), `docker save` + `kind load image-archive`; when that fails too, an image
 * lbbench built is an error, and one the scenario names is left for the nodes to pull.
 */
export async function loadImage(
  kindImage: KindImage,
  context: {
    runner: CommandRunner;
    clusterName: string;
    archivePath: string;
    progress: ProgressSink;
    signal: AbortSignal;
  },
): Promise<void> {
  const { runner, clusterName, progress, signal } = context;
  const { image } = kindImage;
  if (kindImage.build === undefined && !(await succeeds(runner, inspectImageCommand(image), signal))) {
    progress.step(`${image} is not in the local Docker store: the nodes pull it`);
    return;
  }
  progress.step(`Loading ${image} into kind cluster ${clusterName}`);
  if (await succeeds(runner, loadImageCommand(image, clusterName), signal)) return;
  progress.warn(`kind load docker-image ${image} failed; loading it as an archive instead`);
  const saved = await succeeds(runner, saveImageCommand(image, context.archivePath), signal);
  if (saved && (await succeeds(runner, loadImageArchiveCommand(context.archivePath, clusterName), signal)))
    return;
  if (kindImage.build !== undefined) {
    throw new ClusterError(
      `could not load ${image} into kind cluster ${clusterName}, neither with \`kind load docker-image\` nor as an archive (\`docker save\` + \`kind load image-archive\`). Check \`docker image inspect ${image}\` and free disk space, then retry.`,
    );
  }
  progress.warn(`could not load ${image} into the nodes; they pull it from its registry instead`);
}

/** The plan's build steps (before the cluster exists). */
export function planBuilds(images: readonly KindImage[], repoRoot: string): PlanStep[] {
  return images.flatMap(({ image, build }) =>
    build === undefined ? [] : [toPlanStep(buildImageCommand(repoRoot, build, image))],
  );
}

/** The plan's load steps, with the fallback. */
export function planLoads(
  images: readonly KindImage[],
  clusterName: string,
  archivePath: string,
): PlanStep[] {
  return images.flatMap((kindImage): PlanStep[] => [
    ...(kindImage.build === undefined
      ? [
          toPlanStep(
            inspectImageCommand(kindImage.image),
            ' (if absent, the nodes pull it and the loads are skipped)',
          ),
        ]
      : []),
    toPlanStep(loadImageCommand(kindImage.image, clusterName)),
    toPlanStep(saveImageCommand(kindImage.image, archivePath), ' (only if kind load docker-image failed)'),
    toPlanStep(loadImageArchiveCommand(archivePath, clusterName), ' (only if kind load docker-image failed)'),
  ]);
}
