package dev.lakead.pipeline;

import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.io.HadoopFiles;
import org.apache.spark.sql.SparkSession;

/** What every pipeline step needs: the session, the settings and file access on the cluster's file systems. */
public record JobContext(SparkSession spark, Settings settings, HadoopFiles files) {

    public static JobContext of(SparkSession spark, Settings settings) {
        return new JobContext(spark, settings, new HadoopFiles(spark.sparkContext().hadoopConfiguration()));
    }

    /** The bundle directory named by model.path, or by model.root/name/version (latest when version is blank). */
    public String bundlePath() {
        ModelConfig model = ModelConfig.from(settings);
        String explicit = model.path();
        if (!explicit.isBlank()) {
            return explicit;
        }
        return new dev.lakead.bundle.BundleStore(files, model.root()).locate(model.requiredName(), model.version());
    }

    public ModelBundle loadBundle() {
        return ModelBundle.load(spark, files, bundlePath());
    }
}
