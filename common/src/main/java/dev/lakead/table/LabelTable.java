package dev.lakead.table;

import dev.lakead.LakeadException;
import dev.lakead.io.TableReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A labels table (labels or analyst feedback, Parquet) joined to score-table rows by key: what evaluate and the
 * threshold re-adjustment use when the score table has no label column (settings {@code <prefix>.labels-path} and
 * {@code <prefix>.join-columns}).
 */
public final class LabelTable {

    private LabelTable() {
    }

    /** {@code scores} with the label column of the table at {@code labelsPath}, joined on {@code keys} (left). */
    public static Dataset<Row> join(SparkSession spark, Dataset<Row> scores, String labelsPath, String label,
                                    List<String> keys, String prefix) {
        if (keys.isEmpty()) {
            throw new LakeadException("Setting '" + prefix + ".join-columns' is required with " + prefix
                    + ".labels-path");
        }
        Dataset<Row> labels = TableReader.parquet(spark, labelsPath, prefix + ".labels-path");
        for (String k : keys) {
            if (!Arrays.asList(labels.columns()).contains(k) || !Arrays.asList(scores.columns()).contains(k)) {
                throw new LakeadException("Join column '" + k + "' (setting '" + prefix + ".join-columns') must be in both"
                        + " the score table and " + labelsPath);
            }
        }
        List<String> cols = new ArrayList<>(keys);
        cols.add(label);
        Dataset<Row> slim = labels.selectExpr(cols.stream().map(c -> "`" + c + "`").toArray(String[]::new));
        return scores.join(slim, scala.collection.JavaConverters.asScalaBuffer(keys).toSeq(), "left");
    }
}
