package dev.verdict.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario measured: its variants, the ratios computed from pairs measured back to back, and notes for the
 * reader (what was compared exactly, what was not measured and why, where the time goes).
 */
final class ScenarioResult {
    final String id;
    final String title;
    final String method;
    final List<Measurement> measurements = new ArrayList<>();
    final List<Ratio> ratios = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    double seconds;

    ScenarioResult(String id, String title, String method) {
        this.id = id;
        this.title = title;
        this.method = method;
    }

    ScenarioResult add(Measurement m) {
        measurements.add(m);
        return this;
    }

    ScenarioResult add(Ratio r) {
        ratios.add(r);
        return this;
    }

    ScenarioResult note(String text) {
        notes.add(text);
        return this;
    }
}
