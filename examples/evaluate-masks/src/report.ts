/**
 * The evaluation as a markdown table (one row per sequence, then the overall row) and as JSON
 * (NaN written as null, as the metrics CLI does). `writeReport` writes both files under temporary
 * names and renames them only when both are complete.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvaluationReport } from './evaluate.js';

/** A score with three decimals, "–" when undefined (NaN). */
export function formatScore(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '–';
}

/** Markdown table: sequence, frames, objects, J&F, J, F, FG-ARI, mBO, mIoU; last row = overall. */
export function reportMarkdown(report: EvaluationReport): string {
  const head = '| sequence | frames | GT objects | J&F | J | F | FG-ARI | mBO | mIoU |';
  const rule = '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = report.sequences.map(
    (s) =>
      `| ${s.sequence} | ${s.frames} | ${s.objects} | ${formatScore(s.jf)} | ${formatScore(s.j)} | ` +
      `${formatScore(s.f)} | ${formatScore(s.fgAri)} | ${formatScore(s.mbo)} | ${formatScore(s.miou)} |`,
  );
  const g = report.global;
  const frames = report.sequences.reduce((n, s) => n + s.frames, 0);
  const objects = report.sequences.reduce((n, s) => n + s.objects, 0);
  rows.push(
    `| **all (${report.sequences.length})** | ${frames} | ${objects} | **${formatScore(g['J&F-Mean'])}** | ` +
      `${formatScore(g['J-Mean'])} | ${formatScore(g['F-Mean'])} | **${formatScore(g['FG-ARI'])}** | ` +
      `**${formatScore(g.mBO)}** | ${formatScore(g.mIoU)} |`,
  );
  return [
    `DAVIS unsupervised J&F and video FG-ARI / mBO / mIoU of \`${report.pred}\` against \`${report.gt}\``,
    '',
    head,
    rule,
    ...rows,
    '',
  ].join('\n');
}

/** The report as JSON text (NaN → null). */
export function reportJson(report: EvaluationReport): string {
  return `${JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

/** Write `<dir>/report.md` and `<dir>/report.json` (rule in the file header); returns their paths. */
export async function writeReport(
  report: EvaluationReport,
  dir: string,
): Promise<{ markdown: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const files = [
    { path: join(dir, 'report.md'), text: reportMarkdown(report) },
    { path: join(dir, 'report.json'), text: reportJson(report) },
  ];
  const tmp = (p: string) => `${p}.partial-${process.pid}`;
  try {
    for (const f of files) await writeFile(tmp(f.path), f.text);
    for (const f of files) await rename(tmp(f.path), f.path);
  } catch (e) {
    for (const f of files) await rm(tmp(f.path), { force: true });
    throw e;
  }
  return { markdown: files[0]!.path, json: files[1]!.path };
}
