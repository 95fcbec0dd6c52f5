package dev.verdict.testing;

import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * Builds the text of a failed spec so that it reads like a bug report: a headline, then labelled sections (given,
 * when, expected, actual, difference), each value on its own line.
 */
final class FailureReport {
    private static final int MAX_LISTED = 40;

    private final StringBuilder text = new StringBuilder();

    private FailureReport(String headline) {
        text.append(headline).append('\n');
    }

    static FailureReport headline(String headline) {
        return new FailureReport(headline);
    }

    FailureReport line(String label, Object value) {
        text.append('\n').append(label).append(": ").append(value);
        return this;
    }

    FailureReport list(String label, List<?> values, String noun) {
        text.append('\n').append(label).append(": ");
        if (values.isEmpty()) {
            text.append("no ").append(noun).append('s');
            return this;
        }
        text.append(values.size()).append(' ').append(noun).append(values.size() == 1 ? "" : "s");
        int shown = Math.min(values.size(), MAX_LISTED);
        int skipped = values.size() - shown;
        if (skipped > 0) {
            text.append("\n  ... ")
                    .append(skipped)
                    .append(" earlier ")
                    .append(noun)
                    .append("s not shown");
        }
        for (int i = skipped; i < values.size(); i++) {
            text.append("\n  ").append(i + 1).append(". ").append(values.get(i));
        }
        return this;
    }

    FailureReport lines(String label, List<String> lines) {
        if (lines.isEmpty()) {
            return this;
        }
        text.append('\n').append(label).append(':');
        for (String l : lines) {
            text.append("\n  ").append(l);
        }
        return this;
    }

    FailureReport exception(String label, Throwable t) {
        text.append('\n').append(label).append(": ").append(t);
        return this;
    }

    /** Differences between expected and actual lists, element by element, with field-level detail for records. */
    FailureReport differences(List<?> expected, List<?> actual, String noun) {
        List<String> diffs = new java.util.ArrayList<>();
        int n = Math.max(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            String at = noun + " " + (i + 1);
            if (i >= actual.size()) {
                diffs.add(at + ": missing " + expected.get(i));
            } else if (i >= expected.size()) {
                diffs.add(at + ": unexpected " + actual.get(i));
            } else {
                Object e = expected.get(i);
                Object a = actual.get(i);
                String name = e == null ? "" : " (" + e.getClass().getSimpleName() + ")";
                for (String d : RecordDiff.between(e, a)) {
                    diffs.add(at + name + ": " + d);
                }
            }
        }
        return lines("difference", diffs);
    }

    String text() {
        return text.toString();
    }

    AssertionFailedError failure() {
        return new AssertionFailedError(text());
    }

    AssertionFailedError failure(Throwable cause) {
        return new AssertionFailedError(text(), cause);
    }

    AssertionFailedError failure(Object expected, Object actual) {
        return new AssertionFailedError(text(), expected, actual);
    }
}
