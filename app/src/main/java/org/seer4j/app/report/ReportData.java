package org.seer4j.app.report;

import java.util.Map;

/**
 * What a run's report shows besides its metrics and evaluations, kept in the run folder ({@code report-data.json})
 * so that {@code eval} can redraw the report with its results.
 *
 * @param summary    headline facts in display order (steps, final loss, wall time...)
 * @param provenance engine, versions, seed, data, git commit...
 * @param config     the effective YAML
 * @param views      the first batch's views, or null
 */
public record ReportData(String title, Map<String, String> summary, Map<String, String> provenance, String config,
                         ViewStrip views) {
}
