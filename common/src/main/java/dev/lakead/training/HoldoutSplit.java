package dev.lakead.training;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Training rows and the optional holdout (train.holdout-fraction) used for validation loss and early stopping. */
public record HoldoutSplit(Dataset<Row> train, Dataset<Row> holdout) {

    public static HoldoutSplit of(Dataset<Row> rows, TrainingOptions opt) {
        if (opt.holdoutFraction() <= 0) {
            return new HoldoutSplit(rows, null);
        }
        Dataset<Row>[] split = rows.randomSplit(new double[]{1 - opt.holdoutFraction(), opt.holdoutFraction()},
                opt.seed());
        return new HoldoutSplit(split[0], split[1]);
    }
}
