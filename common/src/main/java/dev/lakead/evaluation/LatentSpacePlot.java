package dev.lakead.evaluation;

import dev.lakead.io.HadoopFiles;
import dev.lakead.models.batch.BatchScorer;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static dev.lakead.io.ColumnRef.col;

/**
 * The chapter's 4.2.5 figure: the latent means of a bounded random sample of labelled records, projected to 2-D
 * with MLlib's PCA when the latent space is wider, normal records blue and anomalies red. Reads the latent columns
 * that the score job exported (score.latent-export); nothing but the sample reaches the driver.
 */
public final class LatentSpacePlot {
    private static final String VEC = "__latent_vec";
    private static final String XY = "__latent_xy";

    private LatentSpacePlot() {
    }

    /** True when the score table carries latent columns. */
    public static boolean available(Dataset<Row> scores) {
        return !latentColumns(scores).isEmpty();
    }

    /**
     * @param labelled rows with a 0/1 double label column {@code label}
     * @return number of points drawn
     */
    public static int draw(Dataset<Row> labelled, String label, long rows, int maxPoints, long seed,
                           HadoopFiles files, String pngPath) {
        List<String> latent = latentColumns(labelled);
        Dataset<Row> withVector = latent.size() == 1 && latent.get(0).equals(BatchScorer.LATENT)
                ? labelled.withColumn(VEC, col(BatchScorer.LATENT))
                : new VectorAssembler().setInputCols(latent.toArray(new String[0])).setOutputCol(VEC)
                .transform(labelled);
        double fraction = Math.min(1.0, maxPoints * 1.2 / Math.max(1, rows));
        Dataset<Row> sample = withVector.select(col(VEC), col(label)).sample(false, fraction, seed).limit(maxPoints);
        int dims = ((Vector) sample.first().getAs(0)).size();
        Dataset<Row> projected = dims > 2
                ? new PCA().setK(2).setInputCol(VEC).setOutputCol(XY).fit(sample).transform(sample).select(XY, label)
                : sample.select(col(VEC).as(XY), col(label));
        List<Row> points = projected.collectAsList();

        List<Double> nx = new ArrayList<>();
        List<Double> ny = new ArrayList<>();
        List<Double> ax = new ArrayList<>();
        List<Double> ay = new ArrayList<>();
        for (Row p : points) {
            double[] v = ((Vector) p.get(0)).toArray();
            boolean anomaly = p.getDouble(1) > 0;
            (anomaly ? ax : nx).add(v[0]);
            (anomaly ? ay : ny).add(v.length > 1 ? v[1] : 0.0);
        }
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(600)
                .title("Latent space (" + (dims > 2 ? "PCA of the " + dims + "-D mean" : "mean") + ", "
                        + points.size() + " sampled records)")
                .xAxisTitle(dims > 2 ? "Principal component 1" : "Latent dimension 1")
                .yAxisTitle(dims > 2 ? "Principal component 2" : "Latent dimension 2").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(5);
        addSeries(chart, "Normal", nx, ny, new Color(31, 119, 180, 110));
        addSeries(chart, "Anomaly", ax, ay, new Color(214, 39, 40, 170));
        try {
            files.writeBytes(pngPath, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new dev.lakead.LakeadException("Cannot draw " + pngPath + ": " + e.getMessage(), e);
        }
        return points.size();
    }

    private static void addSeries(XYChart chart, String name, List<Double> x, List<Double> y, Color color) {
        if (x.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }

    static List<String> latentColumns(Dataset<Row> scores) {
        List<String> cols = Arrays.stream(scores.columns())
                .filter(c -> c.equals(BatchScorer.LATENT) || c.matches(BatchScorer.LATENT + "_\\d+"))
                .collect(Collectors.toList());
        cols.sort((a, b) -> a.equals(BatchScorer.LATENT) ? -1 : b.equals(BatchScorer.LATENT) ? 1
                : Integer.compare(Integer.parseInt(a.substring(7)), Integer.parseInt(b.substring(7))));
        return cols;
    }
}
