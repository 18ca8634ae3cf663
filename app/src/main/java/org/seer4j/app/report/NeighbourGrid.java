package org.seer4j.app.report;

import java.util.List;
import org.seer4j.core.usecase.EvaluateUseCase.Neighbours;
import org.seer4j.core.usecase.EvaluateUseCase.Thumbnail;

/** The nearest-neighbour grid of an evaluation, as written to the run folder and drawn in the report. */
public record NeighbourGrid(List<Row> rows) {
    public NeighbourGrid {
        rows = List.copyOf(rows);
    }

    /** A test image and its nearest training images. */
    public record Row(Cell query, List<Cell> nearest) {
        public Row {
            nearest = List.copyOf(nearest);
        }
    }

    /** One image: id, label, cosine similarity to the row's query, and the view as a PNG data URI. */
    public record Cell(String id, int label, double similarity, String png) {
        static Cell of(Thumbnail t) {
            return new Cell(t.id(), t.label(), t.similarity(), t.image() == null ? null : Pictures.dataUri(t.image()));
        }
    }

    public static NeighbourGrid of(List<Neighbours> found) {
        return new NeighbourGrid(found.stream()
                .map(n -> new Row(Cell.of(n.query()), n.nearest().stream().map(Cell::of).toList())).toList());
    }
}
