package dev.verdict.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on standard error, redrawn in place ({@code \r}) when its percentage changes. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final long from;
    private final long to;
    private int shown = -1;

    /** A bar over the stream sequences {@code from..to}. */
    ProgressBar(PrintWriter err, long from, long to) {
        this.err = err;
        this.from = from;
        this.to = Math.max(from, to);
    }

    /** The stream was read up to {@code sequence}. */
    void readUpTo(long sequence) {
        int percent = percent(sequence);
        if (percent != shown) {
            shown = percent;
            err.print("\r" + render(percent, sequence));
            err.flush();
        }
    }

    /**
     * The capture read everything up to the last sequence (a category selection's last message may come before it):
     * shows 100 % and ends the line.
     */
    void done() {
        if (shown >= 0) {
            if (shown < 100) {
                shown = 100;
                err.print("\r" + render(100, to));
            }
            err.println();
            err.flush();
        }
    }

    int percent(long sequence) {
        long total = to - from + 1;
        long read = Math.min(total, Math.max(0, sequence - from + 1));
        return (int) (read * 100 / total);
    }

    String render(int percent, long sequence) {
        int filled = percent * WIDTH / 100;
        return String.format(
                Locale.ROOT,
                "[%s%s] %3d%% sequence %d of %d",
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                percent,
                sequence,
                to);
    }
}
