package dev.verdict.testing.history;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.verdict.decider.Decider;
import dev.verdict.runtime.Registration;
import dev.verdict.store.Category;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventDecoding;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.store.nats.StreamCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The history compatibility check: today's codecs (with their upcasters) decode every event of a captured history,
 * and today's deciders fold each entity's history, from its initial state, without failure.
 *
 * <pre>{@code
 * HistoryCheck.of(Path.of("src/test/resources/history/release-4d81536.jsonl"))
 *         .category("prescription", JsonEventCodec.of(PrescriptionEvent.class), new PrescriptionDecider())
 *         .category(inventoryRegistration) // the codec and decider the runtime registers
 *         .verify();
 * }</pre>
 *
 * <p>Guarantees: {@link #verify} reads every captured message as the NATS store reads a stored one; a message of a
 * category that was neither checked nor {@linkplain #ignoring ignored}, a message that is not a Verdict event, an
 * event the codec cannot decode, and an event whose {@code evolve} throws each fail the check with an {@link
 * AssertionError} naming subject, sequence, type and cause (every failure, up to {@value #MAX_REPORTED}, in one
 * message); an entity whose history failed is not folded further. A capture without a single event of a checked
 * category fails too (a check of nothing is not a pass).
 */
public final class HistoryCheck {
    /** Most failures one {@link AssertionError} lists. */
    public static final int MAX_REPORTED = 20;

    private final HistoryCapture capture;
    private final Map<Category, Folding<?, ?>> categories = new LinkedHashMap<>();
    private final Set<Category> ignored = new HashSet<>();

    private HistoryCheck(HistoryCapture capture) {
        this.capture = Objects.requireNonNull(capture, "capture");
    }

    /** A check of the capture in {@code file} (see {@link HistoryCapture#read(Path)}). */
    public static HistoryCheck of(Path file) {
        try {
            return new HistoryCheck(HistoryCapture.read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the capture " + file, e);
        }
    }

    /** A check of {@code capture}. */
    public static HistoryCheck of(HistoryCapture capture) {
        return new HistoryCheck(capture);
    }

    /** Checks the events of {@code category}: each decodes with {@code codec}, each entity folds with {@code decider}. */
    public <S, E> HistoryCheck category(String category, EventCodec<E> codec, Decider<?, S, E> decider) {
        categories.put(Category.of(category), new Folding<>(codec, decider));
        return this;
    }

    /** Checks the events of a registered category with its codec and decider, as the runtime registers them. */
    public <S, E> HistoryCheck category(Registration<?, S, E> registration) {
        return category(registration.category().value(), registration.eventCodec(), registration.decider());
    }

    /** Checks that the events of {@code category} decode with {@code codec} (no fold). */
    public <E> HistoryCheck category(String category, EventCodec<E> codec) {
        categories.put(Category.of(category), new Folding<E, Object>(codec, null));
        return this;
    }

    /** Skips the events of {@code category} (without it, they fail the check as unchecked). */
    public HistoryCheck ignoring(String category) {
        ignored.add(Category.of(category));
        return this;
    }

    /**
     * Runs the check.
     *
     * @return how many events were decoded (and folded), for the test's own assertions
     * @throws AssertionError naming every failure (subject, sequence, type and cause)
     */
    public int verify() {
        StoreName store = StoreName.of(capture.header().stream());
        List<String> failures = new ArrayList<>();
        Map<String, Object> states = new LinkedHashMap<>();
        Set<String> broken = new HashSet<>();
        int checked = 0;
        for (CapturedMessage message : capture.messages()) {
            String type = message.header("Verdict-Type").orElse("(none)");
            String where = message.subject() + " #" + message.sequence() + " (" + type + ")";
            if (broken.contains(message.subject())) {
                continue;
            }
            RecordedEvent recorded;
            try {
                recorded = StreamCapture.recordedEvent(store, message);
            } catch (EventDecodingFailed e) {
                failures.add(where + ": not a Verdict event: " + e.getMessage());
                broken.add(message.subject());
                continue;
            }
            Category category = recorded.entity().category();
            if (ignored.contains(category)) {
                continue;
            }
            Folding<?, ?> folding = categories.get(category);
            if (folding == null) {
                failures.add(where + ": category '" + category.value() + "' is neither checked nor ignored");
                broken.add(message.subject());
                continue;
            }
            try {
                folding.apply(store, recorded, states);
                checked++;
            } catch (EventDecodingFailed e) {
                failures.add(where + ": cannot be decoded: " + rootMessage(e));
                broken.add(message.subject());
            } catch (RuntimeException e) {
                failures.add(where + ": the decider's evolve failed: " + e);
                broken.add(message.subject());
            }
        }
        if (!failures.isEmpty()) {
            StringBuilder text = new StringBuilder(
                    failures.size() + " of the " + capture.messages().size()
                            + " captured messages of stream '" + store.value() + "' (captured from Verdict "
                            + capture.header().verdictVersion() + ") fail with today's code:");
            failures.stream()
                    .limit(MAX_REPORTED)
                    .forEach(f -> text.append("\n  ").append(f));
            if (failures.size() > MAX_REPORTED) {
                text.append("\n  ... and ")
                        .append(failures.size() - MAX_REPORTED)
                        .append(" more");
            }
            throw new AssertionError(text.toString());
        }
        if (checked == 0) {
            throw new AssertionError("the capture of stream '" + store.value() + "' has no event of the checked"
                    + " categories " + categories.keySet() + ": nothing was checked");
        }
        return checked;
    }

    /** The failure's message, its root cause's (when it adds something) and the JSON path a mapping error names. */
    private static String rootMessage(Throwable e) {
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        String path = null;
        Throwable cause = e;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (cause instanceof JsonMappingException mapping
                    && !mapping.getPath().isEmpty()) {
                path = mapping.getPathReference();
            }
            String own = cause.getMessage() == null ? "" : firstLine(cause.getMessage());
            if (cause != e && !own.isEmpty() && !text.contains(own)) {
                text = text + " – " + own;
            }
        }
        return path == null ? text : text + " (at " + path + ")";
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** A category's codec and (optional) decider; states are kept per subject. */
    private record Folding<E, S>(EventCodec<E> codec, Decider<?, S, E> decider) {
        @SuppressWarnings("unchecked")
        void apply(StoreName store, RecordedEvent recorded, Map<String, Object> states) {
            // a stored event may stand for several current events, or none, after upcasting
            for (E event : EventDecoding.decodeAll(store, recorded, codec)) {
                if (decider != null) {
                    String subject = recorded.entity().subject(store.value());
                    S state = (S) states.computeIfAbsent(subject, s -> decider.initialState());
                    S next = decider.evolve(state, event);
                    if (next == null) {
                        throw new IllegalStateException("evolve returned null");
                    }
                    states.put(subject, next);
                }
            }
        }
    }
}
