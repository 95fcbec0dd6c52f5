package dev.verdict.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the suite's report: one Markdown fragment per scenario under {@code target/reliability/}, and the combined
 * table {@code target/reliability-report.md} regenerated from all fragments after each scenario (so the report is
 * complete whichever scenarios ran, in whatever order).
 */
final class ReliabilityReport {
    private static final Path TARGET = Path.of(System.getProperty("user.dir")).resolve("target");
    private static final Path FRAGMENTS = TARGET.resolve("reliability");
    static final Path REPORT = TARGET.resolve("reliability-report.md");

    private ReliabilityReport() {}

    /** One scenario's counts. {@code lost} and {@code duplicated} must be 0 for the suite to pass. */
    record Row(
            String scenario,
            long sent,
            long accepted,
            long acceptedThroughDedup,
            long rejectedOrUnchanged,
            long failed,
            long lost,
            long duplicated,
            String notes) {

        static Row of(String scenario, CommandLedger ledger, StreamAudit audit, String notes) {
            long failed = ledger.count(CommandLedger.Result.FAILED)
                    + ledger.count(CommandLedger.Result.FAILED_UNKNOWN_OUTCOME);
            Map<String, Long> byType = ledger.failuresByType();
            String failures = byType.isEmpty() ? "" : " Failures: " + byType + ".";
            return new Row(
                    scenario,
                    ledger.sentCount(),
                    ledger.count(CommandLedger.Result.ACCEPTED),
                    ledger.acceptedThroughDeduplication(),
                    ledger.count(CommandLedger.Result.REJECTED) + ledger.count(CommandLedger.Result.UNCHANGED),
                    failed,
                    audit.lost(),
                    audit.duplicated(),
                    notes + " Re-sends after an unknown outcome: " + ledger.resendCount()
                            + "; misreported: " + audit.misreported() + "; stored after an unknown outcome: "
                            + audit.storedAfterUnknownOutcome() + "." + failures);
        }

        String markdown() {
            return "| " + scenario + " | " + sent + " | " + accepted + " | " + acceptedThroughDedup + " | "
                    + rejectedOrUnchanged + " | " + failed + " | " + lost + " | " + duplicated + " | "
                    + notes.replace("|", "/") + " |";
        }
    }

    /** Records a scenario's row and regenerates the combined report. */
    static synchronized void record(Row row) {
        try {
            Files.createDirectories(FRAGMENTS);
            String file = row.scenario().replaceAll("[^A-Za-z0-9-]+", "-").toLowerCase() + ".md";
            writeAtomically(FRAGMENTS.resolve(file), row.markdown() + "\n");
            List<String> rows = new ArrayList<>();
            try (Stream<Path> files = Files.list(FRAGMENTS)) {
                for (Path p :
                        files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                    rows.add(Files.readString(p, StandardCharsets.UTF_8).strip());
                }
            }
            StringBuilder md = new StringBuilder();
            md.append("# Verdict reliability report\n\n");
            md.append("Generated ")
                    .append(Instant.now())
                    .append(" by the reliability suite ")
                    .append("(integration-tests, package dev.verdict.reliability). Lost and duplicated must be 0.\n\n");
            md.append("| scenario | sent | accepted | of which via dedup | rejected/unchanged | failed (typed) | lost")
                    .append(" | duplicated | notes |\n");
            md.append("|---|---|---|---|---|---|---|---|---|\n");
            rows.forEach(r -> md.append(r).append('\n'));
            writeAtomically(REPORT, md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reliability report", e);
        }
    }

    /**
     * The suite runs in two forked JVMs (see the module's pom): a file is written beside its place and moved there,
     * so the other JVM reading the fragments never sees half a file.
     */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
