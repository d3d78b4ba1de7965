package dev.lakead.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakead.LakeadException;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.io.HadoopFiles;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/**
 * Output of the preprocess job: {@code preprocessing/} (the fitted pipeline), {@code features/} (Parquet of the
 * scaled training vectors) and {@code prepared.json} (row counts). Replaced as a whole on a rerun.
 */
public record PreparedData(String path, FeaturePipeline pipeline, Dataset<Row> features, Map<String, Object> info) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String PIPELINE = "preprocessing";
    static final String FEATURES = "features";
    static final String INFO = "prepared.json";

    public static void write(HadoopFiles files, String path, FeaturePipeline pipeline, Dataset<Row> features,
                             Map<String, Object> info) {
        String tmp = path + "._tmp-" + UUID.randomUUID();
        try {
            pipeline.save(files, tmp + "/" + PIPELINE);
            features.write().mode(SaveMode.Overwrite).parquet(tmp + "/" + FEATURES);
            files.writeString(tmp + "/" + INFO, JSON.writeValueAsString(info));
            if (files.exists(path)) {
                files.delete(path);
            }
            files.renameInto(tmp, path);
        } catch (IOException e) {
            throw new LakeadException("Cannot write prepared data to " + path + ": " + e.getMessage(), e);
        } finally {
            if (files.exists(tmp)) {
                files.delete(tmp);
            }
        }
    }

    @SuppressWarnings("unchecked")
    /** Where preprocess writes and train and threshold read the prepared data: prepared.path, required. */
    public static String path(dev.lakead.config.Settings s) {
        return s.required("prepared.path");
    }

    public static PreparedData load(SparkSession spark, HadoopFiles files, String path) {
        if (!files.exists(path + "/" + INFO)) {
            throw new LakeadException("No prepared data at " + path + " (setting 'prepared.path'): run the"
                    + " preprocess job first");
        }
        try {
            Map<String, Object> info = JSON.readValue(files.readString(path + "/" + INFO), Map.class);
            FeaturePipeline pipeline = FeaturePipeline.load(spark, files, path + "/" + PIPELINE);
            Dataset<Row> features = spark.read().parquet(path + "/" + FEATURES);
            return new PreparedData(path, pipeline, features, info);
        } catch (IOException e) {
            throw new LakeadException("Prepared data at " + path + " is corrupt: " + e.getMessage(), e);
        }
    }
}
