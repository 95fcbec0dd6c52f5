package dev.verdict.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic and the docs rewriting of the benchmark harness (no server, no benchmark is run). */
class HarnessTest {

    @Test
    void percentilesUseTheNearestRank() {
        LatencySamples samples = new LatencySamples();
        for (int i = 100; i >= 1; i--) {
            samples.add(i * 1_000_000L);
        }
        assertThat(samples.percentileMillis(50)).isEqualTo(50.0);
        assertThat(samples.percentileMillis(99)).isEqualTo(99.0);
        assertThat(samples.percentileMillis(100)).isEqualTo(100.0);
    }

    @Test
    void emptySamplesHaveNoPercentile() {
        assertThat(new LatencySamples().medianMillis()).isNaN();
    }

    @Test
    void spreadIsMinMedianMaxOfTheRepeats() {
        assertThat(Spread.of(List.of(3.0, 1.0, 2.0, 10.0))).isEqualTo(new Spread(1.0, 2.5, 10.0, 4));
    }

    @Test
    void ratiosArePairedRepeatByRepeat() {
        List<Trial> verdict = List.of(trial(90, 1), trial(200, 1));
        List<Trial> raw = List.of(trial(100, 1), trial(200, 1));

        Ratio r = Ratio.of("1", "c", "v/r", verdict, raw, Trial::throughput, Target.atLeast(0.9));

        assertThat(r.pairs().orElseThrow()).isEqualTo(new Spread(0.9, 0.95, 1.0, 2));
        assertThat(r.met()).contains(true);
    }

    @Test
    void aMissedTargetIsReportedAsMissed() {
        Ratio r = Ratio.of(
                "1", "c", "v/r", List.of(trial(50, 1)), List.of(trial(100, 1)), Trial::throughput, Target.atLeast(0.9));

        assertThat(r.met()).contains(false);
    }

    @Test
    void resultsReplaceOnlyTheMarkedSection() {
        String page = "# Benchmarks\nintro\n" + Report.BEGIN + "\nold table\n" + Report.END + "\nafter\n";

        String updated = Report.replaceResults(page, "new table");

        assertThat(updated)
                .isEqualTo("# Benchmarks\nintro\n" + Report.BEGIN + "\n\nnew table\n\n" + Report.END + "\nafter\n");
    }

    @Test
    void refusesAPageWithoutMarkers() {
        assertThatThrownBy(() -> Report.replaceResults("# Benchmarks\n", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Report.BEGIN);
    }

    @Test
    void notMeasuredVariantsSayWhyInTheReport() {
        Machine machine = new Machine(
                2, "cpu", 1L << 30, "Linux", "JVM 17", 1L << 30, "G1", "", "2.15.1", "2.26.2", "abc", "0.1 0.2 0.3");
        Report report = new Report(machine, java.time.Instant.EPOCH, "test");
        ScenarioResult s = new ScenarioResult("1", "Title", "Method.");
        s.add(Measurement.notMeasured("1", "c", "Verdict", "the runtime is missing"));
        s.add(Measurement.throughput("1", "c", "raw", "commands/s", List.of(trial(100, 1))));
        report.add(s);

        String md = report.markdown();

        assertThat(md).contains("not measured yet: the runtime is missing").contains("**100**");
        assertThat(report.json()).contains("\"notMeasured\" : \"the runtime is missing\"");
    }

    private static Trial trial(long operations, double seconds) {
        LatencySamples l = new LatencySamples();
        l.add(1_000_000);
        return new Trial(operations, (long) (seconds * 1e9), l, Map.of());
    }
}
