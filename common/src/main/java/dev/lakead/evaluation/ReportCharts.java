package dev.lakead.evaluation;

import dev.lakead.LakeadException;
import dev.lakead.io.HadoopFiles;
import dev.lakead.thresholds.ScoreCurve;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The evaluation report's figures, drawn with XChart from bounded aggregates and written as PNG files. */
public final class ReportCharts {
    private static final Color NORMAL = new Color(31, 119, 180);
    private static final Color ANOMALY = new Color(214, 39, 40);
    private static final Color THRESHOLD = new Color(40, 40, 40);

    private ReportCharts() {
    }

    /** Loss per epoch: one line per numeric column of the bundle's loss curve (train, validation, GAN losses...). */
    public static void lossCurve(List<Map<String, Object>> curve, HadoopFiles files, String png) {
        XYChart chart = xy("Training loss", "Epoch", "Loss");
        Map<String, List<Double>> series = new java.util.LinkedHashMap<>();
        List<Double> epochs = new ArrayList<>();
        for (Map<String, Object> row : curve) {
            epochs.add(((Number) row.get("epoch")).doubleValue());
            for (Map.Entry<String, Object> e : row.entrySet()) {
                if (!e.getKey().equals("epoch") && !e.getKey().equals("seconds")
                        && (e.getValue() == null || e.getValue() instanceof Number)) {
                    series.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue() == null ? Double.NaN
                            : ((Number) e.getValue()).doubleValue());
                }
            }
        }
        series.forEach((name, values) -> {
            if (values.stream().anyMatch(v -> !v.isNaN()) && values.size() == epochs.size()) {
                chart.addSeries(name, epochs, values).setMarker(SeriesMarkers.CIRCLE);
            }
        });
        write(chart, files, png);
    }

    /** Score histogram, normal vs anomaly, with the threshold as a vertical line (4.1.3). */
    public static void scoreHistogram(ScoreHistogram h, double threshold, HadoopFiles files, String png) {
        XYChart chart = xy("Anomaly score distribution", "Anomaly score" + (h.log() ? " (log scale)" : ""),
                "Records (log scale)");
        chart.getStyler().setXAxisLogarithmic(h.log());
        chart.getStyler().setYAxisLogarithmic(true); // anomalies are rare: a linear axis would hide them
        List<Double> x = new ArrayList<>();
        for (int i = 0; i < h.normal().length; i++) {
            x.add(h.binCenter(i));
        }
        addArea(chart, "Normal", x, h.normal(), NORMAL);
        addArea(chart, "Anomaly", x, h.anomaly(), ANOMALY);
        if (java.util.Arrays.stream(h.unlabelled()).sum() > 0) {
            addArea(chart, "Unlabelled", x, h.unlabelled(), Color.GRAY);
        }
        long top = 1;
        for (int i = 0; i < x.size(); i++) {
            top = Math.max(top, Math.max(h.normal()[i], Math.max(h.anomaly()[i], h.unlabelled()[i])));
        }
        XYSeries line = chart.addSeries(String.format("Threshold %.4g", threshold), new double[]{threshold, threshold},
                new double[]{1, top});
        line.setLineColor(THRESHOLD);
        line.setMarker(SeriesMarkers.NONE);
        line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f}, 0f));
        write(chart, files, png);
    }

    public static void roc(ScoreCurve curve, double auc, HadoopFiles files, String png) {
        XYChart chart = xy(String.format("ROC curve (AUC %.4f)", auc), "False positive rate", "True positive rate");
        line(chart, "ROC", curve.roc(), NORMAL);
        line(chart, "Chance", List.of(new double[]{0, 0}, new double[]{1, 1}), Color.LIGHT_GRAY);
        write(chart, files, png);
    }

    public static void precisionRecall(ScoreCurve curve, double averagePrecision, HadoopFiles files, String png) {
        XYChart chart = xy(String.format("Precision-recall curve (AP %.4f)", averagePrecision), "Recall",
                "Precision");
        line(chart, "Precision-recall", curve.precisionRecall(), ANOMALY);
        write(chart, files, png);
    }


    private static XYChart xy(String title, String x, String y) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    private static void addArea(XYChart chart, String name, List<Double> x, long[] counts, Color color) {
        List<Double> y = new ArrayList<>();
        for (long c : counts) {
            y.add(c == 0 ? Double.NaN : (double) c); // gaps, not log(0)
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        s.setLineColor(color);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void line(XYChart chart, String name, List<double[]> points, Color color) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void write(Chart<?, ?> chart, HadoopFiles files, String png) {
        try {
            files.writeBytes(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new LakeadException("Cannot draw " + png + ": " + e.getMessage(), e);
        }
    }
}
