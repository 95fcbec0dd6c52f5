package dev.verdict.sample.shelf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Running the kit's laws prints jqwik's own report and nothing addressed to anyone else: jqwik 1.10.x prints a text
 * for "coding agents" into every test run, which is why the build pins 1.9.3 (docs/development.md).
 */
class NothingForeignIsPrintedTest {

    @Test
    void theLawsPrintOnlyJqwiksReport() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        try (PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(both);
            System.setErr(both);
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(ShelfLawsTest.class))
                    .configurationParameter("jqwik.tries.default", "20")
                    .build();
            LauncherFactory.create().execute(request, summary);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);

        assertEquals(0, summary.getSummary().getTotalFailureCount(), printed);
        assertTrue(summary.getSummary().getTestsSucceededCount() >= 5, "the law properties ran");
        assertTrue(printed.contains("tries = 20"), () -> "jqwik's report is printed as usual:\n" + printed);
        String lower = printed.toLowerCase(Locale.ROOT);
        for (String foreign : new String[] {"agent", "disregard", "ignore", "instruction", "\u001b"}) {
            assertFalse(lower.contains(foreign), () -> "jqwik printed '" + foreign + "':\n" + printed);
        }
    }
}
