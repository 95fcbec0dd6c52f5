package dev.verdict.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void redrawsOnlyWhenThePercentageChangesAndEndsTheLine() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), 101, 300);
        for (long s = 101; s <= 300; s++) {
            bar.readUpTo(s);
        }
        bar.done();
        String out = text.toString();
        assertThat(out.split("\r", -1)).hasSize(102); // 0 % .. 100 %, each once
        assertThat(out).startsWith("\r[" + " ".repeat(30) + "]   0% sequence 101 of 300");
        assertThat(out).contains("\r[" + "#".repeat(15) + " ".repeat(15) + "]  50% sequence 200 of 300");
        assertThat(out).endsWith("\r[" + "#".repeat(30) + "] 100% sequence 300 of 300\n");
    }

    @Test
    void aSelectionThatEndsBeforeTheLastSequenceEndsAtAHundredPercent() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), 1, 10);
        bar.readUpTo(3);
        bar.done();
        assertThat(text.toString())
                .isEqualTo("\r[" + "#".repeat(9) + " ".repeat(21) + "]  30% sequence 3 of 10" + "\r[" + "#".repeat(30)
                        + "] 100% sequence 10 of 10\n");
    }
}
