package dev.lakead.monitoring;

import dev.lakead.LakeadException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Alert levels as multiples of a record's threshold, lowest first: a record is at the highest level whose
 * multiple × threshold its score exceeds (setting monitor.levels, e.g. ["warning=1.0", "critical=2.0"]).
 */
public final class SeverityLadder implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Set<String> PAGERDUTY = Set.of("critical", "error", "warning", "info");

    /** One level; rank 0 is the lowest. */
    public record Level(String name, double multiple, int rank) implements Serializable {
    }

    private final List<Level> levels;

    private SeverityLadder(List<Level> levels) {
        this.levels = List.copyOf(levels);
    }

    /** Parses "name=multiple" entries (any order); names must be distinct, multiples positive and distinct. */
    public static SeverityLadder parse(List<String> entries, String setting) {
        if (entries.isEmpty()) {
            throw new LakeadException("Setting '" + setting + "' needs at least one level, e.g. [\"warning=1.0\"]");
        }
        record Raw(String name, double multiple) {
        }
        List<Raw> raw = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<Double> multiples = new HashSet<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? "" : e.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            double m;
            try {
                m = eq < 0 ? Double.NaN : Double.parseDouble(e.substring(eq + 1).trim());
            } catch (NumberFormatException ex) {
                m = Double.NaN;
            }
            if (!name.matches("[a-z][a-z0-9_-]*") || !(m > 0) || Double.isInfinite(m)) {
                throw new LakeadException("Setting '" + setting + "': '" + e + "' is not name=multiple with a name of"
                        + " letters, digits, - or _ and a positive multiple of the threshold (e.g. critical=2.0)");
            }
            if (!names.add(name) || !multiples.add(m)) {
                throw new LakeadException("Setting '" + setting + "': level names and multiples must be distinct, got "
                        + entries);
            }
            raw.add(new Raw(name, m));
        }
        raw.sort(Comparator.comparingDouble(Raw::multiple));
        List<Level> levels = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            levels.add(new Level(raw.get(i).name(), raw.get(i).multiple(), i));
        }
        return new SeverityLadder(levels);
    }

    /** Lowest first. */
    public List<Level> levels() {
        return levels;
    }

    public Level lowest() {
        return levels.get(0);
    }

    public Level highest() {
        return levels.get(levels.size() - 1);
    }

    public Level byRank(int rank) {
        return levels.get(rank);
    }

    public Level byName(String name, String setting) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return levels.stream().filter(l -> l.name().equals(n)).findFirst().orElseThrow(() -> new LakeadException(
                "Setting '" + setting + "': unknown level '" + name + "'; levels: "
                        + levels.stream().map(Level::name).toList()));
    }

    /** The level of a score, or null below the lowest level (or without a usable threshold). */
    public Level levelOf(double score, double threshold) {
        Level found = null;
        for (Level l : levels) {
            if (score > l.multiple() * threshold) {
                found = l;
            }
        }
        return found;
    }

    /** PagerDuty Events v2 severity: the level's own name when PagerDuty knows it, else critical for the top level. */
    public String pagerDutySeverity(String levelName) {
        if (PAGERDUTY.contains(levelName)) {
            return levelName;
        }
        return highest().name().equals(levelName) ? "critical" : "warning";
    }

    @Override
    public String toString() {
        return levels.stream().map(l -> l.name() + "=" + l.multiple()).toList().toString();
    }
}
