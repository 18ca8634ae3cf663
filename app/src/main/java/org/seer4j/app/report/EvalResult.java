package org.seer4j.app.report;

import java.nio.file.Path;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.usecase.EvaluateUseCase.Result;

/**
 * What {@code eval} writes ({@code eval.json}, {@code eval-random-init.json}) and the report shows: accuracies in
 * [0, 1], NaN (written as null) for a protocol not run.
 */
public record EvalResult(String checkpoint, boolean randomInit, String data, double linearTop1, double knnTop1,
                         int knnK, double knnTemperature, int trainImages, int testImages) {

    public static EvalResult of(RunConfig run, Path checkpoint, boolean randomInit, Result r) {
        return new EvalResult(checkpoint == null ? null : checkpoint.toString(), randomInit,
                run.data().source() + (run.data().path() == null ? "" : " " + run.data().path()),
                r.linearTop1(), r.knnTop1(), run.eval().knnK(), run.eval().knnTemperature(), r.trainImages(),
                r.testImages());
    }
}
