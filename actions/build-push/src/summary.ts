import { formatBytes, formatDuration, heading, table, type SummaryDoc } from '@dantaro/core';
import type { PublishResult } from '@dantaro/build';

export function writeSummary(summary: SummaryDoc, r: PublishResult, builder: string, pushed: boolean): void {
  summary.add(
    heading(`Image ${r.skipped ? 'reused (build skipped)' : pushed ? 'built and pushed' : 'built (not pushed)'}`),
    table(
      ['', ''],
      [
        ['Image', r.image],
        ['Digest', r.digest],
        ['Tags', r.tags.join(', ')],
        ['Pushed tags', r.pushed.join(', ') || '—'],
        ['Already present', r.existing.join(', ') || '—'],
        ['Size', r.sizeBytes !== undefined ? formatBytes(r.sizeBytes) : '—'],
        ['Duration', formatDuration(r.durationMs)],
        ['Result', r.skipped ? 'skipped (first tag already in ECR)' : 'built'],
        ['Builder', builder],
      ],
    ),
  );
}

