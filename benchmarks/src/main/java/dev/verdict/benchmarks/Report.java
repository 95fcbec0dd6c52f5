package dev.verdict.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a run as Markdown (for the terminal and docs/benchmarks.md) and as JSON (for tools), and splices the
 * Markdown into the results section of the docs page between two marker comments, leaving the rest untouched.
 *
 * <pre>{@code
 * String page = Report.replaceResults(Files.readString(doc), report.markdown());
 * }</pre>
 */
final class Report {
    static final String BEGIN = "<!-- benchmark-results:begin (written by scripts/benchmark) -->";
    static final String END = "<!-- benchmark-results:end -->";

    private final Machine machine;
    private final Instant started;
    private final String mode;
    private final List<ScenarioResult> scenarios = new ArrayList<>();
    private double totalSeconds;

    Report(Machine machine, Instant started, String mode) {
        this.machine = machine;
        this.started = started;
        this.mode = mode;
    }

    void add(ScenarioResult scenario) {
        scenarios.add(scenario);
    }

    void finish(double totalSeconds) {
        this.totalSeconds = totalSeconds;
    }

    List<ScenarioResult> scenarios() {
        return scenarios;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Run of ")
                .append(started)
                .append(" (")
                .append(mode)
                .append(", ")
                .append(fmt(totalSeconds))
                .append(" s in total)")
                .append(machine.commit().isBlank() ? "" : ", commit `" + machine.commit() + "`")
                .append(".\n\n");
        md.append("| machine | |\n|---|---|\n");
        row(md, "cores", String.valueOf(machine.cores()));
        row(md, "CPU", machine.cpu());
        row(md, "memory", fmt(machine.memoryBytes() / (1024.0 * 1024 * 1024)) + " GiB");
        row(md, "OS", machine.os());
        row(
                md,
                "JVM",
                machine.jvm() + ", max heap " + machine.maxHeapBytes() / (1024 * 1024) + " MiB, " + machine.gc()
                        + (machine.jvmArguments().isBlank() ? "" : ", `" + machine.jvmArguments() + "`"));
        row(md, "nats-server", machine.serverVersion() + " (file storage, R1, local loopback, default sync_interval)");
        row(md, "jnats", machine.jnatsVersion());
        row(md, "load average at start", machine.loadAverageAtStart() + " (shared machine: other processes compete)");
        md.append('\n');

        md.append("### Targets\n\n| scenario | case | ratio | measured (median of pairs, min–max) | target | met |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (ScenarioResult s : scenarios) {
            for (Ratio r : s.ratios) {
                if (r.target().isGoal()) {
                    ratioRow(md, s, r, true);
                }
            }
        }
        md.append('\n');

        for (ScenarioResult s : scenarios) {
            md.append("### ").append(s.id).append(". ").append(s.title).append("\n\n");
            md.append(s.method).append("\n\n");
            if (!s.measurements.isEmpty()) {
                md.append("| case | variant | metric | median | min–max | p50 ms | p99 ms | ops | details |\n");
                md.append("|---|---|---|---|---|---|---|---|---|\n");
                for (Measurement m : s.measurements) {
                    md.append("| ")
                            .append(m.caseName())
                            .append(" | ")
                            .append(m.variant())
                            .append(" | ");
                    if (m.notMeasured().isPresent()) {
                        md.append("not measured yet: ")
                                .append(m.notMeasured().get())
                                .append(" | | | | | | |\n");
                        continue;
                    }
                    Spread v = m.value().orElseThrow();
                    md.append(m.metric())
                            .append(" | **")
                            .append(fmt(v.median()))
                            .append("** | ")
                            .append(fmt(v.min()))
                            .append("–")
                            .append(fmt(v.max()))
                            .append(" (")
                            .append(v.repeats())
                            .append("×) | ")
                            .append(fmt(m.p50Millis()))
                            .append(" | ")
                            .append(fmt(m.p99Millis()))
                            .append(" | ")
                            .append(m.operations() == 0 ? "" : String.format(Locale.ROOT, "%,d", m.operations()))
                            .append(" | ")
                            .append(details(m.details()))
                            .append(" |\n");
                }
                md.append('\n');
            }
            if (!s.ratios.isEmpty()) {
                md.append("| case | ratio | median of pairs | min–max | target | met |\n|---|---|---|---|---|---|\n");
                for (Ratio r : s.ratios) {
                    ratioRow(md, s, r, false);
                }
                md.append('\n');
            }
            for (String note : s.notes) {
                md.append("- ").append(note).append('\n');
            }
            if (!s.notes.isEmpty()) {
                md.append('\n');
            }
        }
        return md.toString();
    }

    private static void ratioRow(StringBuilder md, ScenarioResult s, Ratio r, boolean summary) {
        md.append("| ");
        if (summary) {
            md.append(s.id).append(". ").append(s.title).append(" | ");
        }
        md.append(r.caseName()).append(" | ").append(r.what()).append(" | ");
        if (r.pairs().isEmpty()) {
            md.append("not measured yet: ").append(r.note());
            md.append(summary ? " | " : " | | ");
        } else {
            Spread p = r.pairs().get();
            if (summary) {
                md.append("**")
                        .append(fmt(p.median()))
                        .append("** (")
                        .append(fmt(p.min()))
                        .append("–")
                        .append(fmt(p.max()))
                        .append(") | ");
            } else {
                md.append("**")
                        .append(fmt(p.median()))
                        .append("** | ")
                        .append(fmt(p.min()))
                        .append("–")
                        .append(fmt(p.max()))
                        .append(" | ");
            }
        }
        md.append(r.target().text()).append(" | ");
        md.append(r.met().map(ok -> ok ? "yes" : "**no**").orElse("–")).append(" |\n");
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String details(Map<String, Double> details) {
        List<String> parts = new ArrayList<>();
        details.forEach((k, v) -> parts.add(k + " " + fmt(v)));
        return String.join(", ", parts);
    }

    /** Three significant digits or so; thousands separated; {@code –} for NaN. */
    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1 || a == 0) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("started", started.toString());
        root.put("mode", mode);
        root.put("totalSeconds", totalSeconds);
        root.set("machine", mapper.valueToTree(machine));
        ArrayNode list = root.putArray("scenarios");
        for (ScenarioResult s : scenarios) {
            ObjectNode sn = list.addObject();
            sn.put("id", s.id);
            sn.put("title", s.title);
            sn.put("method", s.method);
            sn.put("seconds", s.seconds);
            ArrayNode ms = sn.putArray("measurements");
            for (Measurement m : s.measurements) {
                ObjectNode mn = ms.addObject();
                mn.put("case", m.caseName());
                mn.put("variant", m.variant());
                if (m.notMeasured().isPresent()) {
                    mn.put("notMeasured", m.notMeasured().get());
                    continue;
                }
                mn.put("metric", m.metric());
                Spread v = m.value().orElseThrow();
                mn.put("median", v.median());
                mn.put("min", v.min());
                mn.put("max", v.max());
                mn.put("repeats", v.repeats());
                number(mn, "p50Ms", m.p50Millis());
                number(mn, "p99Ms", m.p99Millis());
                mn.put("operations", m.operations());
                ObjectNode d = mn.putObject("details");
                m.details().forEach((k, val) -> number(d, k, val));
            }
            ArrayNode rs = sn.putArray("ratios");
            for (Ratio r : s.ratios) {
                ObjectNode rn = rs.addObject();
                rn.put("case", r.caseName());
                rn.put("ratio", r.what());
                r.pairs().ifPresent(p -> {
                    rn.put("median", p.median());
                    rn.put("min", p.min());
                    rn.put("max", p.max());
                    rn.put("pairs", p.repeats());
                });
                rn.put("target", r.target().text());
                r.met().ifPresent(ok -> rn.put("met", ok));
                if (!r.note().isBlank()) {
                    rn.put("note", r.note());
                }
            }
            ArrayNode notes = sn.putArray("notes");
            s.notes.forEach(notes::add);
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the results as JSON", e);
        }
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    /**
     * Replaces everything between {@link #BEGIN} and {@link #END} with the results; the markers stay.
     *
     * @throws IllegalArgumentException when the page lacks the markers (then nothing would be replaced silently)
     */
    static String replaceResults(String page, String results) {
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(
                    "the page has no results section: expected the lines\n" + BEGIN + "\n" + END + "\nin this order");
        }
        return page.substring(0, begin + BEGIN.length()) + "\n\n" + results.strip() + "\n\n" + page.substring(end);
    }
}
