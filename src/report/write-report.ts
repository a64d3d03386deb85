import path from 'node:path';
import type { ResultsFile } from '../results/types.js';
import { writeFileAtomic, writeResults } from '../results/write-results.js';
import { loadReportAssets } from './assets.js';
import { renderReportHtml } from './html.js';
import { renderJunitXml } from './junit.js';
import { renderSummaryMarkdown } from './summary-md.js';

/** Where {@link writeReport} put each file. */
export interface ReportPaths {
  readonly htmlPath: string;
  readonly resultsPath: string;
  readonly summaryPath: string;
  readonly junitPath: string;
}

/** Writes results.json, report.html, summary.md and junit.xml into outDir (created if needed), each atomically. */
export async function writeReport(results: ResultsFile, outDir: string): Promise<ReportPaths> {
  const paths: ReportPaths = {
    resultsPath: path.join(outDir, 'results.json'),
    htmlPath: path.join(outDir, 'report.html'),
    summaryPath: path.join(outDir, 'summary.md'),
    junitPath: path.join(outDir, 'junit.xml'),
  };
  await writeResults(results, paths.resultsPath);
  const assets = await loadReportAssets();
  await Promise.all([
    writeFileAtomic(paths.htmlPath, renderReportHtml(results, assets)),
    writeFileAtomic(paths.summaryPath, renderSummaryMarkdown(results)),
    writeFileAtomic(paths.junitPath, renderJunitXml(results)),
  ]);
  return paths;
}
