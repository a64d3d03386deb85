import type { AppliedEvent, ResultsFile } from '../results/types.js';
import type { EventFigures } from '../stats/types.js';
import { formatFixed } from './format.js';
import { listRunLabels } from './spec-data-rates.js';

/** A scenario event drawn on the time × pod heatmap: a rule at the moment it was applied. */
export interface EventMarker {
  readonly kind: 'event';
  readonly run: string;
  readonly tS: number;
  readonly label: string;
  readonly detail: string;
}

/** One line of the report's event table: a run's event and what it measured. */
export interface EventRow {
  readonly run: string;
  readonly atS: number;
  readonly event: string;
  readonly detail: string;
  /** The measured figures as `name: value` pairs, in display order. */
  readonly figures: readonly (readonly [string, string])[];
  readonly note: string;
}

/** The event's short label, e.g. `scale → 6`, `kill #1`, `slow #0 +50 ms`. */
export function describeEvent(event: AppliedEvent): string {
  switch (event.action) {
    case 'scale':
      return `scale → ${event.replicas}`;
    case 'kill':
      return `kill #${event.pod}`;
    case 'slow':
      return `slow #${event.pod} +${event.delayMs} ms`;
    default:
      return `${event.action} #${event.pod}`;
  }
}

/** A marker per applied event of every run, labelled like the heatmap's facets. */
export function buildEventMarkers(results: ResultsFile): readonly EventMarker[] {
  return listRunLabels(results).flatMap(({ run, label }) =>
    run.events.map((event) => ({
      kind: 'event' as const,
      run: label,
      tS: event.appliedAtMs / 1000,
      label: describeEvent(event),
      detail: event.detail,
    })),
  );
}

/** Every run's events with their figures, in run order (for the report's event table). */
export function buildEventRows(results: ResultsFile): readonly EventRow[] {
  return listRunLabels(results).flatMap(({ run, label }) =>
    run.events.map((event, index) => {
      const figures = run.eventFigures?.[index];
      return {
        run: label,
        atS: event.appliedAtMs / 1000,
        event: describeEvent(event),
        detail: event.detail,
        figures: figures === undefined ? [] : formatFigures(figures),
        note: figures?.note ?? 'not measured (results written before lbbench measured events)',
      };
    }),
  );
}

function formatFigures(figures: EventFigures): (readonly [string, string])[] {
  switch (figures.action) {
    case 'scale':
      return figures.isScaleUp
        ? [
            ['convergence_ms', formatMsOrNever(figures.convergenceMs)],
            ['new pods', String(figures.newHosts.length)],
          ]
        : [];
    case 'kill':
      return [
        ['removed_traffic_ms', formatMsOrNever(figures.removedTrafficMs)],
        [
          'errors_after_kill',
          Number.isFinite(figures.errorsAfterKill) ? String(figures.errorsAfterKill) : '–',
        ],
      ];
    default:
      return [
        ['share before', formatShare(figures.shareBefore)],
        ['share after', formatShare(figures.shareAfter)],
      ];
  }
}

function formatMsOrNever(valueMs: number): string {
  return Number.isFinite(valueMs) ? `${Math.round(valueMs)} ms` : 'not reached';
}

function formatShare(share: number): string {
  return Number.isFinite(share) ? `${formatFixed(share * 100, 1)}%` : '–';
}
