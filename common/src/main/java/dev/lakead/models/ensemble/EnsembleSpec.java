package dev.lakead.models.ensemble;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.models.SpecJson;
import dev.lakead.models.anogan.AnoGanModel;
import dev.lakead.models.autoencoder.AutoencoderModel;
import dev.lakead.models.vae.VaeModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The ensemble's settings (model.ensemble.*): which members, how their widths vary, how member scores are
 * normalised and combined.
 *
 * @param members       member model types in training order (autoencoder | vae | anogan)
 * @param widthFactors  the k-th autoencoder (or VAE) member's hidden layers are its default sizes times the k-th
 *                      factor (cycling), RandNet-style variety of capacity
 * @param scaleQuantile a member's score s becomes (s - median) / (q - median), with median and q this quantile of
 *                      its scores on the training rows
 * @param combine       mean | median | asinh (the mean of asinh of the normalised scores: linear near the training
 *                      scores, logarithmic far above them, so one member's extreme score cannot outvote the rest)
 * @param featureErrorScaling members that reconstruct feature by feature (autoencoder) score the mean of each
 *                      feature's squared error divided by that feature's mean error on the training rows
 * @param latentDistance autoencoder members add a second term: the Mahalanobis distance of a row's latent code from
 *                      the training rows' codes ({@link LatentDensity})
 */
public record EnsembleSpec(List<String> members, List<Double> widthFactors, double scaleQuantile, String combine,
                           boolean featureErrorScaling, boolean latentDistance) {
    public static final List<String> MEMBER_TYPES = List.of(AutoencoderModel.TYPE, VaeModel.TYPE, AnoGanModel.TYPE);
    public static final String MEAN = "mean";
    public static final String MEDIAN = "median";
    public static final String ASINH = "asinh";

    public static EnsembleSpec from(Settings s) {
        List<String> members = s.strings("model.ensemble.members").stream().map(m -> m.trim().toLowerCase())
                .collect(Collectors.toList());
        if (members.isEmpty()) {
            throw new LakeadException("Setting 'model.ensemble.members' must name at least one model type ("
                    + String.join(", ", MEMBER_TYPES) + ")");
        }
        for (String m : members) {
            if (!MEMBER_TYPES.contains(m)) {
                throw new LakeadException("Setting 'model.ensemble.members' holds '" + m + "'; members may be "
                        + String.join(", ", MEMBER_TYPES));
            }
        }
        List<Double> factors = new ArrayList<>();
        for (String f : s.strings("model.ensemble.width-factors")) {
            double v;
            try {
                v = Double.parseDouble(f.trim());
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new LakeadException("Setting 'model.ensemble.width-factors' must hold positive numbers, got '"
                        + f + "'");
            }
            factors.add(v);
        }
        if (factors.isEmpty()) {
            factors.add(1.0);
        }
        double q = s.number("model.ensemble.scale-quantile");
        if (!(q > 0.5 && q < 1)) {
            throw new LakeadException("Setting 'model.ensemble.scale-quantile' must be in (0.5, 1), got " + q);
        }
        return new EnsembleSpec(List.copyOf(members), List.copyOf(factors), q,
                s.choice("model.ensemble.combine", MEAN, MEDIAN, ASINH), s.bool("model.ensemble.feature-error-scaling"),
                s.bool("model.ensemble.latent-distance"));
    }

    /**
     * Member {@code i}'s hidden sizes: its type's sizes scaled by its width factor (the factors cycle over the
     * members of one type).
     */
    List<Integer> memberWidths(int i, List<Integer> sizes) {
        double factor = widthFactors.get(sameTypeBefore(i) % widthFactors.size());
        return sizes.stream().map(h -> Math.max(2, (int) Math.round(h * factor))).collect(Collectors.toList());
    }

    /** How many members of member i's type come before it. */
    private int sameTypeBefore(int i) {
        int k = 0;
        for (int j = 0; j < i; j++) {
            if (members.get(j).equals(members.get(i))) {
                k++;
            }
        }
        return k;
    }

    /** Whether member {@code i} also scores its latent code's distance ({@link LatentDensity}). */
    boolean latentDistance(int i) {
        return latentDistance && AutoencoderModel.TYPE.equals(members.get(i));
    }

    /** The same ensemble combining by plain mean: a one-member ensemble then scores exactly as its member. */
    EnsembleSpec withMeanCombine() {
        return new EnsembleSpec(members, widthFactors, scaleQuantile, MEAN, featureErrorScaling, latentDistance);
    }

    public Map<String, Object> asMap() {
        return SpecJson.asMap(this);
    }
}
